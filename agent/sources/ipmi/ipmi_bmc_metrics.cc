// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_bmc_metrics.h"

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

void WriteDcmiMetrics(const DcmiPower& dcmi, LabelSpan labels, SampleWriter& out) {
  if (dcmi.active) out.Add(kDcmiPower, labels, dcmi.watts);
}

}  // namespace hostmon::agent::ipmi
