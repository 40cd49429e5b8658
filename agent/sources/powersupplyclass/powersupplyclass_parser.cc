// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/powersupplyclass/powersupplyclass_parser.h"

#include "absl/strings/ascii.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.5.0 powersupplyclass_linux.go's three value maps and its info map.
constexpr PowerSupplyAttribute kAttributes[] = {
    {"authentic", "authentic", 1, false},
    {"calibrate", "calibrate", 1, false},
    {"capacity", "capacity", 1, false},
    {"capacity_alert_max", "capacity_alert_max", 1, false},
    {"capacity_alert_min", "capacity_alert_min", 1, false},
    {"cycle_count", "cyclecount", 1, false},
    {"online", "online", 1, false},
    {"present", "present", 1, false},
    {"time_to_empty_now", "time_to_empty_seconds", 1, false},
    {"time_to_full_now", "time_to_full_seconds", 1, false},
    {"current_boot", "current_boot", 1e6, false},
    {"current_max", "current_max", 1e6, false},
    {"current_now", "current_ampere", 1e6, false},
    {"energy_empty", "energy_empty", 1e6, false},
    {"energy_empty_design", "energy_empty_design", 1e6, false},
    {"energy_full", "energy_full", 1e6, false},
    {"energy_full_design", "energy_full_design", 1e6, false},
    {"energy_now", "energy_watthour", 1e6, false},
    {"voltage_boot", "voltage_boot", 1e6, false},
    {"voltage_max", "voltage_max", 1e6, false},
    {"voltage_max_design", "voltage_max_design", 1e6, false},
    {"voltage_min", "voltage_min", 1e6, false},
    {"voltage_min_design", "voltage_min_design", 1e6, false},
    {"voltage_now", "voltage_volt", 1e6, false},
    {"voltage_ocv", "voltage_ocv", 1e6, false},
    {"charge_control_limit", "charge_control_limit", 1e6, false},
    {"charge_control_limit_max", "charge_control_limit_max", 1e6, false},
    {"charge_counter", "charge_counter", 1e6, false},
    {"charge_empty", "charge_empty", 1e6, false},
    {"charge_empty_design", "charge_empty_design", 1e6, false},
    {"charge_full", "charge_full", 1e6, false},
    {"charge_full_design", "charge_full_design", 1e6, false},
    {"charge_now", "charge_ampere", 1e6, false},
    {"charge_term_current", "charge_term_current", 1e6, false},
    {"constant_charge_current", "constant_charge_current", 1e6, false},
    {"constant_charge_current_max", "constant_charge_current_max", 1e6, false},
    {"constant_charge_voltage", "constant_charge_voltage", 1e6, false},
    {"constant_charge_voltage_max", "constant_charge_voltage_max", 1e6, false},
    {"precharge_current", "precharge_current", 1e6, false},
    {"input_current_limit", "input_current_limit", 1e6, false},
    {"power_now", "power_watt", 1e6, false},
    {"temp", "temp_celsius", 10, false},
    {"temp_alert_max", "temp_alert_max_celsius", 10, false},
    {"temp_alert_min", "temp_alert_min_celsius", 10, false},
    {"temp_ambient", "temp_ambient_celsius", 10, false},
    {"temp_max", "temp_max_celsius", 10, false},
    {"temp_min", "temp_min_celsius", 10, false},
    {"type", "type", 1, true},
    {"capacity_level", "capacity_level", 1, true},
    {"charge_type", "charge_type", 1, true},
    {"health", "health", 1, true},
    {"manufacturer", "manufacturer", 1, true},
    {"model_name", "model_name", 1, true},
    {"serial_number", "serial_number", 1, true},
    {"status", "status", 1, true},
    {"technology", "technology", 1, true},
    {"usb_type", "usb_type", 1, true},
    {"scope", "scope", 1, true},
};

}  // namespace

const PowerSupplyAttribute* FindPowerSupplyAttribute(absl::string_view file) {
  for (const PowerSupplyAttribute& a : kAttributes) {
    if (a.file == file) return &a;
  }
  return nullptr;
}

absl::string_view PowerSupplyText(absl::string_view text) {
  return absl::StripAsciiWhitespace(text);
}

absl::Status ParsePowerSupplyInt(absl::string_view text, absl::string_view file, int64_t* out) {
  return common::ParseInt64(PowerSupplyText(text), file, out);
}

}  // namespace hostmon::agent
