// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/udp_queues/udp_queues_parser.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// absl's hex parse is strict (no junk, range-checked) but accepts a sign; the kernel never
// prints one.
bool ParseHex(absl::string_view text, uint64_t* out) {
  return !text.empty() && text[0] != '-' && text[0] != '+' && absl::SimpleHexAtoi(text, out);
}

}  // namespace

absl::Status ParseUdpQueues(absl::string_view text, absl::string_view file, UdpQueues* out) {
  *out = UdpQueues{};
  absl::string_view line;
  if (!common::NextLine(&text, &line) ||
      !absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "sl")) {
    return absl::InvalidArgumentError(absl::StrCat(file, " line 1: expected the header line"));
  }
  common::Fields fields;
  size_t line_no = 1;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() < 5) {
      return absl::InvalidArgumentError(absl::StrCat(
          file, " line ", line_no, ": expected at least 5 columns, got ", fields.size()));
    }
    const absl::string_view queues = fields[4];
    const size_t colon = queues.find(':');
    uint64_t tx;
    uint64_t rx;
    if (colon == absl::string_view::npos || !ParseHex(queues.substr(0, colon), &tx) ||
        !ParseHex(queues.substr(colon + 1), &rx)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_no, ": bad tx_queue:rx_queue \"", queues, "\""));
    }
    out->tx_bytes += tx;
    out->rx_bytes += rx;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
