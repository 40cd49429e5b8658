// SPDX-License-Identifier: Apache-2.0
//
// The attributes of /sys/class/power_supply/<supply>/ (Documentation/ABI/testing/
// sysfs-class-power) that node_exporter 1.5.0's powersupplyclass collector exports, and their
// parsing. Each file holds one value, e.g.
//
//   /sys/class/power_supply/AC/online           1
//   /sys/class/power_supply/BAT0/voltage_now    12014000    (microvolts)
//   /sys/class/power_supply/BAT0/temp           295         (tenths of a degree Celsius)
//   /sys/class/power_supply/BAT0/status         Discharging
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct PowerSupplyAttribute {
  absl::string_view file;    // "voltage_now"
  absl::string_view metric;  // node_exporter's name after node_power_supply_: "voltage_volt"
  double divisor;            // 1, 1e6 (micro-units) or 10 (tenths of a degree)
  bool info;                 // a string that becomes a label of node_power_supply_info
};

// The attribute for a file name, or nullptr when node_exporter 1.5.0 ignores the file (uevent,
// alarm, charge_control_*_threshold, temp_ambient_alert_*, ...).
const PowerSupplyAttribute* FindPowerSupplyAttribute(absl::string_view file);

// The file's text without surrounding whitespace (procfs' SysReadFile TrimSpace).
absl::string_view PowerSupplyText(absl::string_view text);

// A numeric attribute: a signed decimal int64 after trimming; the error names `file`.
absl::Status ParsePowerSupplyInt(absl::string_view text, absl::string_view file, int64_t* out);

}  // namespace hostmon::agent
