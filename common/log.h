// SPDX-License-Identifier: Apache-2.0
//
// Minimal structured logging to stderr in logfmt (journald captures stderr; logfmt greps well and
// is what node_exporter/Prometheus operators already read). Abseil 20220623 has no absl/log.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hostmon::common::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Sets the minimum level written. Thread-safe.
void SetLevel(Level level);
// Parses "debug", "info", "warn", "error".
bool ParseLevel(absl::string_view text, Level* out);
// The same, as a status for config validation.
absl::Status ValidateLevel(absl::string_view text);
bool Enabled(Level level);

// Writes one line: `ts=<RFC3339 UTC> level=<level> msg="<msg>"<fields>`. `fields` is appended
// verbatim and must already be logfmt (" key=value key2=value2"); use Kv() to build it.
void Write(Level level, absl::string_view msg, absl::string_view fields = "");

// Formats ` key=value`, quoting the value when it contains spaces, quotes or '='.
std::string Kv(absl::string_view key, absl::string_view value);
inline std::string Kv(absl::string_view key, int64_t value) {
  return absl::StrCat(" ", key, "=", value);
}

inline void Debug(absl::string_view msg, absl::string_view fields = "") {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, msg, fields);
}
inline void Info(absl::string_view msg, absl::string_view fields = "") {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(absl::string_view msg, absl::string_view fields = "") {
  Write(Level::kWarn, msg, fields);
}
inline void Error(absl::string_view msg, absl::string_view fields = "") {
  Write(Level::kError, msg, fields);
}

}  // namespace hostmon::common::log
