// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the CPU files in /sys/devices/system/cpu/ that node_exporter 1.12's cpu collector
// reads besides /proc/stat (Documentation/ABI/testing/sysfs-devices-system-cpu):
//
//   isolated                                   1,3-5,9     (a cpulist; "\n" when none)
//   cpu0/topology/physical_package_id          0
//   cpu0/topology/core_id                      1
//   cpu0/thermal_throttle/core_throttle_count  5           (Intel only)
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// A cpulist ("0-3,8,10-11") into the CPU ids it names, in the order written, as prometheus/
// procfs' parseCPURange: the trailing newline is dropped, empty items are skipped, a range whose
// end is below its start names no CPU. Error naming `file` on an item that is not a number or
// a range of two, or an id past 65535 (procfs keeps ids in 16 bits, and it bounds the list).
absl::Status ParseCpuList(absl::string_view text, absl::string_view file,
                          std::vector<uint32_t>* out);

// A topology or throttle counter file: one unsigned decimal, white space trimmed (node_exporter's
// readUintFromFile). False on anything else (the file is skipped, as node_exporter does).
bool ParseCpuSysfsUint(absl::string_view text, uint64_t* out);

}  // namespace hostmon::agent
