// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/net/arp, the IPv4 neighbour table: a header line, then one line per entry
// whose last column is the device:
//
//   IP address       HW type     Flags       HW address            Mask     Device
//   192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct ArpDeviceCount {
  absl::string_view device;  // view into the parsed text
  uint64_t entries = 0;
};

// Counts entries per device into *out (cleared first; capacity reused), devices in order of first
// appearance. Every entry counts, whatever its flags, as in node_exporter. Error when the header
// is missing or an entry line does not have the 6 columns.
absl::Status ParseArp(absl::string_view text, std::vector<ArpDeviceCount>* out);

}  // namespace hostmon::agent
