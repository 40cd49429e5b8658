// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/os/os_release_parser.h"

#include <cmath>
#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "os-release";

struct Key {
  absl::string_view name;
  std::string OsRelease::*field;
};

constexpr Key kKeys[] = {
    {"BUILD_ID", &OsRelease::build_id},
    {"ID", &OsRelease::id},
    {"ID_LIKE", &OsRelease::id_like},
    {"IMAGE_ID", &OsRelease::image_id},
    {"IMAGE_VERSION", &OsRelease::image_version},
    {"NAME", &OsRelease::name},
    {"PRETTY_NAME", &OsRelease::pretty_name},
    {"VARIANT", &OsRelease::variant},
    {"VARIANT_ID", &OsRelease::variant_id},
    {"VERSION", &OsRelease::version},
    {"VERSION_CODENAME", &OsRelease::version_codename},
    {"VERSION_ID", &OsRelease::version_id},
};

absl::Status LineError(size_t line_no, absl::string_view line, absl::string_view problem) {
  return common::LineError(kFile, line_no, line, problem);
}

bool IsKeyChar(char c, bool first) {
  return c == '_' || absl::ascii_isalpha(static_cast<unsigned char>(c)) ||
         (!first && absl::ascii_isdigit(static_cast<unsigned char>(c)));
}

// Decodes one shell-style value into *out (assign/append reuse its capacity); with out ==
// nullptr only checks it, so that unknown keys cost no allocation.
absl::Status ParseValue(absl::string_view raw, std::string* out, absl::string_view* problem) {
  if (out != nullptr) out->clear();
  if (raw.empty()) return absl::OkStatus();
  const char quote = raw[0];
  if (quote == '\'') {
    const size_t end = raw.find('\'', 1);
    if (end == absl::string_view::npos) {
      *problem = "unterminated single quote";
      return absl::InvalidArgumentError("");
    }
    if (out != nullptr) out->assign(raw.data() + 1, end - 1);
    return absl::OkStatus();
  }
  if (quote == '"') {
    for (size_t i = 1; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '"') return absl::OkStatus();
      if (c == '\\' && i + 1 < raw.size()) {
        const char next = raw[i + 1];
        if (next == '"' || next == '\\' || next == '$' || next == '`') {
          c = next;
          ++i;
        }
      }
      if (out != nullptr) out->push_back(c);
    }
    *problem = "unterminated double quote";
    return absl::InvalidArgumentError("");
  }
  absl::string_view value = absl::StripTrailingAsciiWhitespace(raw);
  if (out != nullptr) out->assign(value.data(), value.size());
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseOsRelease(absl::string_view text, OsRelease* out) {
  for (const Key& key : kKeys) (out->*key.field).clear();
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    absl::string_view rest = absl::StripLeadingAsciiWhitespace(line);
    if (rest.empty() || rest[0] == '#') continue;
    absl::ConsumePrefix(&rest, "export ");
    const size_t eq = rest.find('=');
    if (eq == absl::string_view::npos) return LineError(line_no, line, "expected KEY=VALUE");
    const absl::string_view name = rest.substr(0, eq);
    bool valid = !name.empty();
    for (size_t i = 0; valid && i < name.size(); ++i) valid = IsKeyChar(name[i], i == 0);
    if (!valid) return LineError(line_no, line, "invalid key");
    std::string* target = nullptr;
    for (const Key& key : kKeys) {
      if (key.name == name) target = &(out->*key.field);
    }
    // Unknown keys are still checked for well-formed quoting, as node_exporter's parser does.
    absl::string_view problem;
    if (!ParseValue(rest.substr(eq + 1), target, &problem).ok()) {
      return LineError(line_no, line, problem);
    }
  }
  return absl::OkStatus();
}

double OsVersionNumber(absl::string_view version_id) {
  // node_exporter: regexp `^[0-9]+\.?[0-9]*` then ParseFloat.
  size_t end = 0;
  while (end < version_id.size() &&
         absl::ascii_isdigit(static_cast<unsigned char>(version_id[end])))
    ++end;
  if (end == 0) return 0;
  if (end < version_id.size() && version_id[end] == '.') {
    ++end;
    while (end < version_id.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(version_id[end])))
      ++end;
  }
  absl::string_view number = version_id.substr(0, end);
  if (absl::EndsWith(number, ".")) number.remove_suffix(1);
  double value = 0;
  // Digits only, so this fails only by overflow to infinity; node_exporter then fails the whole
  // collection, here only the version series is dropped.
  if (!common::ParseDouble(number, "VERSION_ID", &value).ok() || !std::isfinite(value)) return 0;
  return value;
}

}  // namespace hostmon::agent
