// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/tcpstat/tcpstat_parser.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

bool ParseHex(absl::string_view text, uint64_t* out) {
  return !text.empty() && text[0] != '-' && text[0] != '+' && absl::SimpleHexAtoi(text, out);
}

}  // namespace

absl::string_view TcpStateName(int state) {
  // Order of include/net/tcp_states.h, names as node_exporter's tcpConnectionState.String().
  static constexpr absl::string_view kNames[kTcpStates] = {
      "",          "established", "syn_sent",   "syn_recv", "fin_wait1", "fin_wait2",
      "time_wait", "close",       "close_wait", "last_ack", "listen",    "closing"};
  return state > 0 && state < kTcpStates ? kNames[state] : absl::string_view();
}

absl::Status ParseTcpSockets(absl::string_view text, absl::string_view file, TcpStats* out) {
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
    uint64_t state;
    if (!ParseHex(fields[3], &state) || state >= kTcpStates ||
        TcpStateName(static_cast<int>(state)).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_no, ": bad state \"", fields[3], "\""));
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
    ++out->sockets[state];
    out->tx_queued_bytes += tx;
    out->rx_queued_bytes += rx;
    ++out->total;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
