// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/tcpstat/tcpstat_parser.h"

#include "absl/strings/str_cat.h"
#include "agent/sources/common/socket_table.h"
#include "common/text_parse.h"

namespace hostmon::agent {
absl::string_view TcpStateName(int state) {
  // Order of include/net/tcp_states.h, names as node_exporter's tcpConnectionState.String().
  static constexpr absl::string_view kNames[kTcpStates] = {
      "",          "established", "syn_sent",   "syn_recv", "fin_wait1", "fin_wait2",
      "time_wait", "close",       "close_wait", "last_ack", "listen",    "closing"};
  return state > 0 && state < kTcpStates ? kNames[state] : absl::string_view();
}

absl::Status ParseTcpSockets(absl::string_view text, absl::string_view file, TcpStats* out) {
  return ForEachSocketLine(
      text, file, [&](size_t line_no, const common::Fields& fields) -> absl::Status {
        uint64_t state;
        const absl::string_view st = fields[kSocketStateColumn];
        if (!common::ParseHexUint64(st, &state) || state >= kTcpStates ||
            TcpStateName(static_cast<int>(state)).empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(file, " line ", line_no, ": bad state \"", st, "\""));
        }
        uint64_t tx;
        uint64_t rx;
        if (absl::Status s =
                ParseSocketQueues(fields[kSocketQueuesColumn], file, line_no, &tx, &rx);
            !s.ok()) {
          return s;
        }
        ++out->sockets[state];
        out->tx_queued_bytes += tx;
        out->rx_queued_bytes += rx;
        ++out->total;
        return absl::OkStatus();
      });
}

}  // namespace hostmon::agent
