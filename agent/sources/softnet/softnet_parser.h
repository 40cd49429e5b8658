// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/net/softnet_stat: one line per online CPU of 32-bit hex counters, the first
// three being packets processed, packets dropped (backlog full) and time_squeeze (the NET_RX
// softirq ran out of budget). Linux 6.x prints 15 columns:
//
//   00007ced 0000002a 00000011 00000000 00000000 00000000 00000000 00000000 00000000 ...
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct SoftnetLine {
  uint64_t processed = 0;
  uint64_t dropped = 0;
  uint64_t time_squeezed = 0;
  // Columns 10 and 11 (index 9, 10): RPS inter-processor wake-ups and flow-limit hits. Only
  // kernels with RPS (2.6.35+) / flow limit (3.11+) print them; 0 when has_* is false.
  uint64_t received_rps = 0;
  uint64_t flow_limit_count = 0;
  bool has_received_rps = false;
  bool has_flow_limit_count = false;
  // Column 9 (index 8): collisions taking a device's transmit lock; every kernel prints it.
  uint64_t cpu_collision = 0;
  // Columns 12 and 13 (index 11, 12), Linux 5.10+: the backlog queue length and the id of the
  // CPU the line belongs to (lines are per online CPU, so the line number is not the CPU id
  // once one is offline). has_backlog_len covers both, as node_exporter's procfs reads them.
  uint64_t backlog_len = 0;
  uint64_t cpu_index = 0;
  bool has_backlog_len = false;
};

// Parses the file into *out (cleared first; capacity reused), one entry per line in file order.
// Error on a line with fewer than 9 columns (node_exporter's procfs minimum, what Linux 2.6.32
// already printed) or a used column (1-3, 9-13) that is not a hex number fitting 64 bits.
absl::Status ParseSoftnet(absl::string_view text, std::vector<SoftnetLine>* out);

}  // namespace hostmon::agent
