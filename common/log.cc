// SPDX-License-Identifier: Apache-2.0
#include "common/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hostmon::common::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

bool NeedsQuoting(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendQuoted(std::string* out, absl::string_view v) {
  out->push_back('"');
  for (char c : v) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->push_back(' ');
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

bool ParseLevel(absl::string_view text, Level* out) {
  if (text == "debug") {
    *out = Level::kDebug;
  } else if (text == "info") {
    *out = Level::kInfo;
  } else if (text == "warn" || text == "warning") {
    *out = Level::kWarn;
  } else if (text == "error") {
    *out = Level::kError;
  } else {
    return false;
  }
  return true;
}

absl::Status ValidateLevel(absl::string_view text) {
  Level ignored;
  if (ParseLevel(text, &ignored)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("log level \"", text, "\" is not one of debug, info, warn, error"));
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void Write(Level level, absl::string_view msg, absl::string_view fields) {
  if (!Enabled(level)) return;
  std::string line = absl::StrCat(
      "ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " level=", LevelName(level), " msg=");
  AppendQuoted(&line, msg);
  line.append(fields.data(), fields.size());
  line.push_back('\n');
  // One write(2) per line keeps lines from concurrent threads whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

std::string Kv(absl::string_view key, absl::string_view value) {
  std::string out = absl::StrCat(" ", key, "=");
  if (NeedsQuoting(value)) {
    AppendQuoted(&out, value);
  } else {
    out.append(value.data(), value.size());
  }
  return out;
}

}  // namespace hostmon::common::log
