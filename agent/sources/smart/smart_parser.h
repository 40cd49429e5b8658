// SPDX-License-Identifier: Apache-2.0
//
// Pure parsers for smartctl's JSON output (smartmontools >= 7.0, `smartctl --json`; schema:
// smartmontools' JSON output, documented per field in its ataprint.cpp / nvmeprint.cpp /
// scsiprint.cpp), mapped onto prometheus-community/smartctl_exporter's metric names and labels
// (its smartctl.go is the reference, not its README).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "agent/source.h"

namespace hostmon::agent::smart {

// One device to query: the path given to smartctl and its --device type ("" = auto).
struct SmartDeviceSpec {
  std::string path;   // "/dev/sda", "/dev/bus/0"
  std::string type;   // "", "sat", "nvme", "megaraid,1"
  std::string label;  // the `device` label, see DeviceLabel
};

// The `device` label, as smartctl_exporter derives it from smartctl's info_name: the path
// without "/dev/", "/" → "_", and for RAID pass-through the disk behind the controller:
// ("/dev/sda", "") → "sda"; ("/dev/bus/0", "megaraid,1") → "bus_0_megaraid_disk_01";
// other N-typed pass-through ("cciss,3") → "<path>_cciss_3".
std::string DeviceLabel(absl::string_view path, absl::string_view type);

// Makes the `device` labels of `devices` unique, in order: an entry with the path and type of an
// earlier one is the same disk listed twice and is removed; an entry whose label repeats another
// disk's ("/dev/disk_a" and "/dev/disk/a" both give "disk_a") is relabelled "<label>_<index>"
// (its position in the list) and reported, one line each in the result (member collisions).
std::vector<std::string> MakeDeviceLabelsUnique(std::vector<SmartDeviceSpec>* devices);

// `--source.smart.devices`: entries separated by ';' or whitespace, each PATH or PATH:TYPE,
// e.g. "/dev/sda; /dev/bus/0:megaraid,0". An entry without a /dev/ path is an error.
absl::StatusOr<std::vector<SmartDeviceSpec>> ParseDeviceList(absl::string_view text);

// `smartctl --json --scan-open` output: {"devices":[{"name","info_name","type","protocol"}]}.
absl::StatusOr<std::vector<SmartDeviceSpec>> ParseScanJson(absl::string_view text);

// smartctl's exit status bits (man smartctl, RETURN VALUES), as metric label values.
inline constexpr const char* kExitBitNames[8] = {
    "command_line_error",          // bit 0: command line did not parse
    "device_open_failed",          // bit 1: open failed, or device in low-power mode (-n)
    "command_failed",              // bit 2: a SMART/ATA command failed or checksum error
    "disk_failing",                // bit 3: SMART status check returned "DISK FAILING"
    "prefail_below_threshold",     // bit 4: prefail attributes <= threshold
    "usage_below_threshold_past",  // bit 5: attributes were <= threshold in the past
    "error_log_has_errors",        // bit 6: the device error log contains errors
    "self_test_log_has_errors",    // bit 7: the self-test log contains errors
};
// Names of the bits set in `status`, comma-separated ("" when 0).
std::string DescribeExitStatus(int status);

struct SmartSample {
  const MetricDesc* desc;
  std::vector<std::pair<std::string, std::string>> labels;  // after `device`
  double value;
};

struct SmartReport {
  int exit_status = 0;              // smartctl.exit_status
  bool low_power = false;           // skipped because the device sleeps (--nocheck=standby)
  std::string power_mode;           // "STANDBY", "SLEEP", "IDLE", "STANDBY (OS)" when low_power
  std::vector<std::string> errors;  // smartctl messages of severity "error"
  // Fields present but not numbers (named by JSON path); their series are left out.
  std::vector<std::string> bad_fields;
  // smartctl_version labels: json_format_version, smartctl_version, svn_revision, build_info.
  std::vector<std::pair<std::string, std::string>> version;
  std::vector<SmartSample> samples;  // empty when low_power
};

// Parses one `smartctl --json --info --health --attributes ...` output. Errors: not JSON
// (truncated output), not an object, or no smartctl.exit_status.
absl::StatusOr<SmartReport> ParseSmartctlJson(absl::string_view text);

// The metric families (for documentation and tests).
extern const MetricDesc kSmartDeviceUp;
extern const MetricDesc kSmartExitStatusFlag;
extern const MetricDesc kSmartDeviceStandby;
extern const MetricDesc kSmartctlExitStatus;
extern const MetricDesc kSmartctlDeviceState;
extern const MetricDesc kSmartctlVersion;
extern const MetricDesc kSmartctlDevices;

}  // namespace hostmon::agent::smart
