// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/thermal_zone/thermal_zone_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::string_view TrimSysfsValue(absl::string_view text) {
  return absl::StripAsciiWhitespace(text);
}

absl::Status ParseSysfsInt(absl::string_view text, absl::string_view file, int64_t* out) {
  return common::ParseInt64(TrimSysfsValue(text), file, out);
}

bool ThermalIndex(absl::string_view entry, absl::string_view prefix, absl::string_view* index) {
  // procfs globs "<prefix>[0-9]*": one digit after the prefix, then anything.
  if (!absl::StartsWith(entry, prefix) || entry.size() == prefix.size() ||
      !absl::ascii_isdigit(entry[prefix.size()])) {
    return false;
  }
  *index = entry.substr(prefix.size());
  return true;
}

}  // namespace hostmon::agent
