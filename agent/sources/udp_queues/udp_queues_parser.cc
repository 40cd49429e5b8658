// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/udp_queues/udp_queues_parser.h"

#include "agent/sources/common/socket_table.h"

namespace hostmon::agent {

absl::Status ParseUdpQueues(absl::string_view text, absl::string_view file, UdpQueues* out) {
  *out = UdpQueues{};
  return ForEachSocketLine(
      text, file, [&](size_t line_no, const common::Fields& fields) -> absl::Status {
        uint64_t tx;
        uint64_t rx;
        if (absl::Status s =
                ParseSocketQueues(fields[kSocketQueuesColumn], file, line_no, &tx, &rx);
            !s.ok()) {
          return s;
        }
        out->tx_bytes += tx;
        out->rx_bytes += rx;
        return absl::OkStatus();
      });
}

}  // namespace hostmon::agent
