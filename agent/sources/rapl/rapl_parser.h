// SPDX-License-Identifier: Apache-2.0
//
// Naming and counters of the powercap RAPL zones (Documentation/power/powercap/powercap.rst), as
// node_exporter 1.5.0's rapl collector (via procfs' sysfs.GetRaplZones) reads them:
//
//   /sys/class/powercap/intel-rapl:0/name         package-0
//   /sys/class/powercap/intel-rapl:0/energy_uj    143226000000   (microjoules, wraps at
//                                                                  max_energy_range_uj)
//   /sys/class/powercap/intel-rapl:0:0/name       core
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// procfs' getIndexAndName: a name of exactly two '-'-separated parts is <base>-<index>
// ("package-0" -> "package", 0; a non-numeric index is an error naming `file`). Any other name
// is its own base and *index is -1: the caller numbers repeated names (dram, dram -> 0, 1).
absl::Status SplitRaplName(absl::string_view name, absl::string_view file, absl::string_view* base,
                           int* index);

// energy_uj: an unsigned decimal after trimming whitespace; the error names `file`.
absl::Status ParseRaplEnergy(absl::string_view text, absl::string_view file, uint64_t* out);

}  // namespace hostmon::agent
