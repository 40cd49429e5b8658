// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/net/dev, the kernel's per-interface traffic counters. After two header lines,
// each interface has one line of 8 receive and 8 transmit counters:
//
//   Inter-|   Receive                                                |  Transmit
//    face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs ...
//     eth0: 47023527    1639    0    0    0     0          0         0    86594    1179 ...
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

inline constexpr int kNetDevColumns = 16;

// Column names in file order, as node_exporter names them ("receive_bytes", ...).
extern const std::array<absl::string_view, kNetDevColumns> kNetDevColumnNames;

struct NetDevLine {
  absl::string_view device;  // view into the parsed text
  std::array<uint64_t, kNetDevColumns> values{};
};

// Parses the text of /proc/net/dev into *out (cleared first; capacity reused). Error when the two
// header lines are missing, a line has no ':' or an empty device name, or does not have exactly
// 16 decimal uint64 counters.
absl::Status ParseNetDev(absl::string_view text, std::vector<NetDevLine>* out);

}  // namespace hostmon::agent
