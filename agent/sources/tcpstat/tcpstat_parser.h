// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/net/tcp and /proc/net/tcp6, one line per TCP socket after a header; "st" is
// the kernel's TCP state number in hex and "tx_queue:rx_queue" are hex byte counts:
//
//   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout ...
//    0: 0100007F:4AA7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ...
#pragma once

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Linux's TCP states are 1 (TCP_ESTABLISHED) .. 11 (TCP_CLOSING); TCP_NEW_SYN_RECV (12) and
// TCP_BOUND_INACTIVE (13) never show in these files.
inline constexpr int kTcpStates = 12;  // index 0 unused

// node_exporter's label for a state number ("established", ..., "closing"); "" for unknown.
absl::string_view TcpStateName(int state);

struct TcpStats {
  std::array<uint64_t, kTcpStates> sockets{};  // by state number
  uint64_t rx_queued_bytes = 0;
  uint64_t tx_queued_bytes = 0;
  uint64_t total = 0;  // all sockets counted
};

// Adds the sockets of one file to *out (callers reset it; tcp and tcp6 are summed). `file` names
// the file in errors. Error when the header is missing, a line has fewer than 5 columns, the
// state is not a hex number in 1..11, or the queues are not "<hex>:<hex>".
absl::Status ParseTcpSockets(absl::string_view text, absl::string_view file, TcpStats* out);

}  // namespace hostmon::agent
