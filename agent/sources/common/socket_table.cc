// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/socket_table.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace hostmon::agent {

absl::Status SkipSocketTableHeader(absl::string_view* text, absl::string_view file) {
  absl::string_view line;
  if (!common::NextLine(text, &line) ||
      !absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "sl")) {
    return absl::InvalidArgumentError(absl::StrCat(file, " line 1: expected the header line"));
  }
  return absl::OkStatus();
}

absl::Status ParseSocketQueues(absl::string_view queues, absl::string_view file, size_t line_no,
                               uint64_t* tx, uint64_t* rx) {
  const size_t colon = queues.find(':');
  if (colon == absl::string_view::npos || !common::ParseHexUint64(queues.substr(0, colon), tx) ||
      !common::ParseHexUint64(queues.substr(colon + 1), rx)) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, " line ", line_no, ": bad tx_queue:rx_queue \"", queues, "\""));
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
