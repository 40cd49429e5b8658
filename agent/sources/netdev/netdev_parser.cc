// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netdev/netdev_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

const std::array<absl::string_view, kNetDevColumns> kNetDevColumnNames = {
    "receive_bytes",  "receive_packets",  "receive_errs",       "receive_drop",
    "receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
    "transmit_bytes", "transmit_packets", "transmit_errs",      "transmit_drop",
    "transmit_fifo",  "transmit_colls",   "transmit_carrier",   "transmit_compressed",
};

absl::Status ParseNetDev(absl::string_view text, std::vector<NetDevLine>* out) {
  out->clear();
  constexpr absl::string_view kFile = "/proc/net/dev";
  absl::string_view line;
  // Two header lines; without them the file was cut before any data could follow.
  for (int i = 0; i < 2; ++i) {
    if (!common::NextLine(&text, &line) || line.find('|') == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, " line ", i + 1, ": expected the header line"));
    }
  }
  common::Fields fields;
  size_t line_no = 2;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, " line ", line_no, ": expected '<device>:'"));
    }
    NetDevLine& dev = out->emplace_back();
    dev.device = absl::StripAsciiWhitespace(line.substr(0, colon));
    if (dev.device.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(kFile, " line ", line_no, ": empty device"));
    }
    // Large counters can run into the colon ("eth0:123456"), so split after it.
    common::SplitFields(line.substr(colon + 1), &fields);
    if (fields.size() != kNetDevColumns) {
      return absl::InvalidArgumentError(absl::StrCat(kFile, " line ", line_no, " (", dev.device,
                                                     "): expected 16 counters, got ",
                                                     fields.size()));
    }
    for (int i = 0; i < kNetDevColumns; ++i) {
      absl::Status status = common::ParseUint64(fields[i], kNetDevColumnNames[i], &dev.values[i]);
      if (!status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(kFile, " line ", line_no, " (", dev.device, "): ", status.message()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
