// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/arp/arp_parser.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseArp(absl::string_view text, std::vector<ArpDeviceCount>* out) {
  constexpr absl::string_view kFile = "/proc/net/arp";
  out->clear();
  absl::string_view line;
  if (!common::NextLine(&text, &line) || !absl::StartsWith(line, "IP address")) {
    return absl::InvalidArgumentError(absl::StrCat(kFile, " line 1: expected the header line"));
  }
  common::Fields fields;
  size_t line_no = 1;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() != 6) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, " line ", line_no, ": expected 6 columns, got ", fields.size()));
    }
    const absl::string_view device = fields[5];
    ArpDeviceCount* entry = nullptr;
    for (ArpDeviceCount& c : *out) {
      if (c.device == device) entry = &c;
    }
    if (entry == nullptr) entry = &out->emplace_back(ArpDeviceCount{device, 0});
    ++entry->entries;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
