// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_walk_result.h"

#include <array>

namespace hostmon::agent::redfish {

namespace {

// idrac_exporter's families (internal/collector/collector.go, prefix configurable there as
// here), plus hostmon's additions: chassis health, sensor health and the sensor
// types idrac_exporter does not export, drive failure prediction, per-target up/errors.
constexpr std::array<FamilyInfo, static_cast<size_t>(Family::kCount)> kFamilies = {{
    {"up", "1 if the Redfish service answered its service root and collections"},
    {"collection_errors", "Failed requests and unparsable resources in the last collection"},
    {"collection_duration_seconds", "Duration of the last collection of the target"},
    {"chassis_health", "Health of the chassis: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"chassis_health_rollup",
     "Health rollup of the chassis and its parts: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"chassis_schema_info",
     "Which schema the chassis' thermal and power readings come from: legacy or new"},
    {"system_health", "Health status of the system: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"system_health_rollup",
     "Health rollup of the system and its parts: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"system_power_on", "Power state of the system"},
    {"system_machine_info", "Information about the machine"},
    {"system_memory_size_bytes", "Total memory size of the system in bytes"},
    {"system_cpu_count", "Total number of CPUs in the system"},
    {"sensors_temperature", "Sensors reporting temperature measurements"},
    {"sensors_voltage", "Sensors reporting voltage measurements"},
    {"sensors_power", "Sensors reporting power measurements"},
    {"sensors_current", "Sensors reporting current measurements"},
    {"sensors_reading", "Readings of other sensor types"},
    {"sensors_health", "Health status for sensors: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"sensors_fan_speed", "Sensors reporting fan speed measurements"},
    {"sensors_fan_health", "Health status for fans: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"power_supply_health", "Power supply health status: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"power_supply_input_watts", "Power supply input in watts"},
    {"power_supply_output_watts", "Power supply output in watts"},
    {"power_supply_capacity_watts", "Power supply capacity in watts"},
    {"power_supply_input_voltage", "Power supply input voltage"},
    {"power_supply_efficiency_percent", "Power supply efficiency in percentage"},
    {"power_control_consumed_watts", "Consumption of power control system in watts"},
    {"power_control_capacity_watts", "Capacity of power control system in watts"},
    {"power_control_min_consumed_watts",
     "Minimum consumption of power control system during the reported interval"},
    {"power_control_max_consumed_watts",
     "Maximum consumption of power control system during the reported interval"},
    {"power_control_avg_consumed_watts",
     "Average consumption of power control system during the reported interval"},
    {"power_control_interval_in_minutes", "Interval for measurements of power control system"},
    {"storage_health", "Health status for storage sub systems: 0 OK, 1 Warning, 2 Critical"},
    {"storage_drive_info", "Information about disk drives"},
    {"storage_drive_health", "Health status for disk drives: 0 OK, 1 Warning, 2 Critical, 3 other"},
    {"storage_drive_capacity_bytes", "Capacity of disk drives in bytes"},
    {"storage_drive_life_left_percent", "Predicted life left in percent"},
    {"storage_drive_failure_predicted", "1 if the drive predicts its own failure"},
}};

}  // namespace

const FamilyInfo& Info(Family f) { return kFamilies[static_cast<size_t>(f)]; }

}  // namespace hostmon::agent::redfish
