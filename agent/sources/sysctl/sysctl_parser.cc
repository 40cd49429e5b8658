// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/sysctl/sysctl_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "agent/sources/common/sysfs_value.h"

namespace hostmon::agent {

absl::StatusOr<SysctlSpec> ParseSysctlSpec(absl::string_view entry) {
  SysctlSpec spec;
  const size_t colon = entry.find(':');
  spec.name = std::string(entry.substr(0, colon));
  if (colon != absl::string_view::npos) {
    // As Go's strings.Split: "a:" names one key "", which then fails the metric name check.
    spec.keys = absl::StrSplit(entry.substr(colon + 1), ',');
  }
  if (spec.name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", entry, "\": no sysctl name"));
  }
  return spec;
}

std::string SanitizeSysctlName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  size_t literal_underscores = 0;  // trailing '_' of `out` copied from `name`
  size_t i = 0;
  while (i < name.size()) {
    const char c = name[i];
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_') {
      out.push_back(c);
      literal_underscores = c == '_' ? literal_underscores + 1 : 0;
      ++i;
      continue;
    }
    // A run of other characters, with the underscores before and after it, is one '_'.
    out.resize(out.size() - literal_underscores);
    while (i < name.size() && !absl::ascii_isalnum(static_cast<unsigned char>(name[i])) &&
           name[i] != '_') {
      ++i;
    }
    while (i < name.size() && name[i] == '_') ++i;
    out.push_back('_');
    literal_underscores = 0;
  }
  return out;
}

std::string SysctlPath(absl::string_view name) { return absl::StrReplaceAll(name, {{".", "/"}}); }

void SplitSysctlValues(absl::string_view file_text, std::vector<absl::string_view>* out) {
  out->clear();
  for (absl::string_view field : absl::StrSplit(
           SysfsAttributeText(file_text), absl::ByAnyChar(" \t\n\v\f\r"), absl::SkipEmpty())) {
    out->push_back(field);
  }
}

}  // namespace hostmon::agent
