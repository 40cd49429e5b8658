// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nvme/nvme_parser.h"

#include "absl/strings/ascii.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::string_view NvmeAttributeValue(absl::string_view text) {
  return absl::StripAsciiWhitespace(text);
}

bool NvmeNamespaceId(absl::string_view entry, absl::string_view* nsid) {
  for (size_t at = entry.find("nvme"); at != absl::string_view::npos;
       at = entry.find("nvme", at + 1)) {
    size_t i = at + 4;
    const size_t controller_start = i;
    while (i < entry.size() && absl::ascii_isdigit(entry[i])) ++i;
    if (i == controller_start || i >= entry.size() || entry[i] != 'n') continue;
    const size_t ns_start = ++i;
    while (i < entry.size() && absl::ascii_isdigit(entry[i])) ++i;
    if (i == ns_start) continue;
    *nsid = entry.substr(ns_start, i - ns_start);
    return true;
  }
  return false;
}

uint64_t NvmeNamespaceNumber(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  uint64_t value = 0;
  if (text.empty()) return 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return 0;  // no error Status built for garbage
  }
  return common::ParseUint64(text, "value", &value).ok() ? value : 0;
}

}  // namespace hostmon::agent
