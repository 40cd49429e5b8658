// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the one-value attribute files of the kernel's thermal framework
// (Documentation/driver-api/thermal/sysfs-api.rst), as read by node_exporter 1.5.0's thermal_zone
// collector through procfs' sysfs package:
//
//   /sys/class/thermal/thermal_zone0/type         acpitz
//   /sys/class/thermal/thermal_zone0/temp         27800      (millidegrees Celsius, signed)
//   /sys/class/thermal/cooling_device1/cur_state  -1         (intel_powerclamp when idle)
//   /sys/class/thermal/cooling_device1/max_state  50
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The file's text with leading and trailing whitespace removed (procfs' SysReadFile TrimSpace).
absl::string_view TrimSysfsValue(absl::string_view text);

// A signed decimal (Go's strconv.ParseInt(TrimSpace(text), 10, 64)); the error names `file`.
absl::Status ParseSysfsInt(absl::string_view text, absl::string_view file, int64_t* out);

// "thermal_zone12" -> "12", "cooling_device0" -> "0": the zone / name label. False when
// `entry` does not match <prefix>[0-9]* (the glob procfs uses).
bool ThermalIndex(absl::string_view entry, absl::string_view prefix, absl::string_view* index);

}  // namespace hostmon::agent
