// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_bmc_metrics.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hostmon::agent::ipmi {
namespace {

// Names and help texts as ipmi_exporter's collector_chassis.go, collector_sel.go,
// collector_dcmi.go.
constexpr MetricDesc kPowerState{"ipmi_chassis_power_state", kGauge,
                                 "Current power state (1=on, 0=off)."};
constexpr MetricDesc kDriveFault{"ipmi_chassis_drive_fault_state", kGauge,
                                 "Current drive fault state (1=false, 0=true)."};
constexpr MetricDesc kCoolingFault{"ipmi_chassis_cooling_fault_state", kGauge,
                                   "Current Cooling/fan fault state (1=false, 0=true)."};
constexpr MetricDesc kSelCount{"ipmi_sel_logs_count", kGauge,
                               "Current number of log entries in the SEL."};
constexpr MetricDesc kSelFree{"ipmi_sel_free_space_bytes", kGauge,
                              "Current free space remaining for new SEL entries."};
constexpr MetricDesc kBmcInfo{"ipmi_bmc_info", kGauge,
                              "Constant metric with value '1' providing details about the BMC."};
constexpr MetricDesc kDcmiPower{"ipmi_dcmi_power_consumption_watts", kGauge,
                                "Current power consumption in Watts."};

}  // namespace

void WriteChassisMetrics(const ChassisStatus& chassis, LabelSpan labels, SampleWriter& out) {
  out.Add(kPowerState, labels, chassis.power_on ? 1 : 0);
  out.Add(kDriveFault, labels, chassis.drive_fault ? 0 : 1);
  out.Add(kCoolingFault, labels, chassis.cooling_fault ? 0 : 1);
}

void WriteSelMetrics(const SelInfo& sel, LabelSpan labels, SampleWriter& out) {
  out.Add(kSelCount, labels, sel.entries);
  out.Add(kSelFree, labels, sel.free_bytes);
}

std::string FormatFirmwareRevision(unsigned major, unsigned minor_bcd) {
  std::string text = absl::StrFormat("%u.%02x", major, minor_bcd & 0xFF);
  const size_t end = text.find_first_not_of("0123456789.");
  if (end != std::string::npos) text.resize(end);
  return text;
}

std::string FormatManufacturerId(uint32_t id, const std::string& iana_name) {
  return iana_name.empty() ? absl::StrCat(id) : absl::StrCat(iana_name, " (", id, ")");
}

void WriteBmcMetrics(const BmcInfo& bmc, LabelSpan labels, SampleWriter& out) {
  std::vector<LabelRef> all = {{"firmware_revision", bmc.firmware_revision},
                               {"manufacturer_id", bmc.manufacturer_id},
                               {"system_firmware_version", bmc.system_firmware_version}};
  all.insert(all.end(), labels.begin(), labels.end());
  out.Add(kBmcInfo, all, 1);
}

void WriteDcmiMetrics(const DcmiPower& dcmi, LabelSpan labels, SampleWriter& out) {
  if (dcmi.active) out.Add(kDcmiPower, labels, dcmi.watts);
}

}  // namespace hostmon::agent::ipmi
