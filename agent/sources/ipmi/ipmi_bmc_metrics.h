// SPDX-License-Identifier: Apache-2.0
//
// BMC state read with raw IPMI commands (Get Chassis Status, Get SEL Info, DCMI Get Power
// Reading, Get Device ID) as plain structs, and their conversion to ipmi_exporter's families
// (collector_chassis.go, collector_sel.go, collector_dcmi.go, collector_bmc.go). Free of FreeIPMI,
// so it is tested without a BMC.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "agent/source.h"

namespace hostmon::agent::ipmi {

// Get Chassis Status (IPMI 2.0, 28.2).
struct ChassisStatus {
  bool power_on = false;
  bool drive_fault = false;
  bool cooling_fault = false;
};

// Get SEL Info (IPMI 2.0, 31.2).
struct SelInfo {
  int entries = 0;
  int free_bytes = 0;
};

// DCMI Get Power Reading, system power statistics mode (DCMI 1.5, 6.6.1).
struct DcmiPower {
  bool active = false;  // "power measurement active"; ipmi_exporter exports watts only then
  double watts = 0;
};

// Get Device ID (IPMI 2.0, 20.1), as bmc-info prints it and ipmi_exporter's collector_bmc.go
// parses it.
struct BmcInfo {
  std::string firmware_revision;        // FormatFirmwareRevision
  std::string manufacturer_id;          // FormatManufacturerId
  std::string system_firmware_version;  // "N/A": not read (Get System Info Parameters)
};

// bmc-info's "%u.%02x" (the minor revision is BCD), cut where ipmi_exporter's regex
// `[0-9.]*` stops.
std::string FormatFirmwareRevision(unsigned major, unsigned minor_bcd);
// bmc-info's "<IANA name> (<id>)", or just the number when the name is unknown.
std::string FormatManufacturerId(uint32_t id, const std::string& iana_name);

// What one round of raw commands produced; each collector's status is separate, as each is its
// own ipmi_up{collector} in ipmi_exporter.
struct BmcCommands {
  absl::Status chassis_status = absl::UnknownError("not read");
  ChassisStatus chassis;
  absl::Status sel_status = absl::UnknownError("not read");
  SelInfo sel;
  absl::Status dcmi_status = absl::UnknownError("not read");
  DcmiPower dcmi;
  absl::Status bmc_status = absl::UnknownError("not read");
  BmcInfo bmc;
};

// ipmi_chassis_power_state (1 on, 0 off), ipmi_chassis_drive_fault_state and
// ipmi_chassis_cooling_fault_state (ipmi_exporter's inverted encoding: 1 = no fault, 0 = fault).
void WriteChassisMetrics(const ChassisStatus& chassis, LabelSpan labels, SampleWriter& out);
// ipmi_sel_logs_count, ipmi_sel_free_space_bytes.
void WriteSelMetrics(const SelInfo& sel, LabelSpan labels, SampleWriter& out);
// ipmi_bmc_info{firmware_revision,manufacturer_id,system_firmware_version} 1, with `labels` after
// ipmi_exporter's. Its bmc_url label is left out: not read here, and an empty label is no label
// in Prometheus.
void WriteBmcMetrics(const BmcInfo& bmc, LabelSpan labels, SampleWriter& out);
// ipmi_dcmi_power_consumption_watts, only while the BMC's power measurement is active.
void WriteDcmiMetrics(const DcmiPower& dcmi, LabelSpan labels, SampleWriter& out);

}  // namespace hostmon::agent::ipmi
