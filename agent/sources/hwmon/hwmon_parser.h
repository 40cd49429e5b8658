// SPDX-License-Identifier: Apache-2.0
//
// Naming and value rules of node_exporter 1.12's hwmon collector, as pure functions over the
// names and contents of the files in /sys/class/hwmon/hwmonN/ (see the kernel's
// Documentation/hwmon/sysfs-interface.rst). Each sensor attribute is one file holding one
// number in milli-units, e.g.
//
//   /sys/class/hwmon/hwmon1/temp1_input   45000      (millidegrees Celsius)
//   /sys/class/hwmon/hwmon2/fan1_input    1235       (RPM)
//   /sys/class/hwmon/hwmon2/in0_input     1032       (millivolts)
//   /sys/class/hwmon/hwmon1/temp1_label   Package id 0
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "agent/source.h"

namespace hostmon::agent {

// Splits an attribute file name like node_exporter's `^([^0-9]+)([0-9]*)?(_(.+))?$`:
// "temp1_crit_alarm" -> ("temp", 1, "crit_alarm"), "pwm1" -> ("pwm", 1, ""), "beep_enable" ->
// ("beep_enable", 0, ""). False when the name does not match or the number overflows an int.
bool ExplodeSensorFilename(absl::string_view filename, absl::string_view* type, int* num,
                           absl::string_view* property);

// The sensor types node_exporter reads (vrm, beep_enable, update_interval, in, cpu, fan, pwm,
// temp, curr, power, energy, humidity, intrusion, freq); other files are ignored.
bool IsHwmonSensorType(absl::string_view type);

// node_exporter's cleanMetricName: lower case, [^a-z0-9:_] -> '_', '_' trimmed at both ends.
void CleanHwmonName(absl::string_view name, std::string* out);

// The chip label from the resolved path of hwmonN/device: "<parent dir>_<device dir>", cleaned
// (".../devices/platform/coretemp.0" -> "platform_coretemp_0"); just the cleaned device dir if
// the parent cleans to ""; false when the device dir cleans to "".
bool HwmonChipFromDevicePath(absl::string_view device_path, std::string* out);

// One chip (hwmonN directory) while its `chip` label is worked out. Strings are reused across
// collections, so this is a plain struct filled in place.
struct HwmonChip {
  std::string dir;        // "/sys/class/hwmon/hwmon8" (as listed, not resolved)
  std::string base;       // the name from the device path / name file / directory (see the source)
  std::string name_file;  // contents of the chip's `name` file, white space trimmed; "" if none
  std::string label;      // out: the chip label, unique among the chips
};

// node_exporter 1.12's chip labels: a chip's `base`, unless several chips share it (radios or
// WMI interfaces of one parent device: three mt7996 hwmons all named "ieee80211_phy0"); then
// "<base>_<cleaned name file>" when that tells it apart from the others sharing the base, else
// "<base>_<cleaned directory name>" ("platform_x_hwmon3"). Labels of chips[0, n) are set.
void AssignHwmonChipLabels(HwmonChip* chips, size_t n);

// Parses an attribute's contents: newlines trimmed at both ends, then a number as Go's
// ParseFloat reads it (out of range is an error, not infinity). False on anything else:
// node_exporter skips such attributes silently, so there is no message to build (and no
// allocation for a sensor that is broken every cycle).
bool ParseHwmonValue(absl::string_view text, double* out);

// Metric for one attribute of a sensor of type `type` ("temp") with property `element`
// ("crit", "" for a bare "pwm1", "input"): writes its name and help into *name / *help, its
// multiplier into *scale, its divisor into *divisor (node_exporter multiplies milli-units by 0.001
// but divides micro-units by 1e6; the two round differently) and its type into *metric_type.
// `has_bare` says whether the sensor also has a bare file (then "input" gets its own "_input" name,
// as in node_exporter). Not for the sensor-level types vrm, beep_enable and update_interval, nor
// for "label". A freq sensor's "input" (Hz) is node_hwmon_freq_freq_mhz, which node_exporter
// labels with the cleaned sensor label instead of the sensor (see the source).
void HwmonMetricFor(absl::string_view type, absl::string_view element, bool has_bare,
                    std::string* name, std::string* help, double* scale, double* divisor,
                    MetricType* metric_type);

}  // namespace hostmon::agent
