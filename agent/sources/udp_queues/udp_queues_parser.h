// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/net/udp and /proc/net/udp6, one line per UDP socket after a header;
// "tx_queue:rx_queue" (column 5) are the hex byte counts the kernel has allocated for the
// socket's send and receive queues:
//
//   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout ...
//  245: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 ...
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct UdpQueues {
  uint64_t tx_bytes = 0;
  uint64_t rx_bytes = 0;
};

// Sums the queues of every socket of one file into *out (reset first). `file` names the file in
// errors. Error when the header is missing, a line has fewer than 5 columns, or the queues are
// not "<hex>:<hex>" fitting 64 bits.
absl::Status ParseUdpQueues(absl::string_view text, absl::string_view file, UdpQueues* out);

}  // namespace hostmon::agent
