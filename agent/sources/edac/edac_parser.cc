// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseEdacCount(absl::string_view text, absl::string_view file, uint64_t* out) {
  return common::ParseUint64(absl::StripAsciiWhitespace(text), file, out);
}

bool EdacIndex(absl::string_view entry, absl::string_view prefix, absl::string_view* index) {
  if (!absl::StartsWith(entry, prefix) || entry.size() == prefix.size() ||
      !absl::ascii_isdigit(entry[prefix.size()])) {
    return false;
  }
  size_t end = prefix.size();
  while (end < entry.size() && absl::ascii_isdigit(entry[end])) ++end;
  *index = entry.substr(prefix.size(), end - prefix.size());
  return true;
}

}  // namespace hostmon::agent
