// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_sensors.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/exposition.h"

namespace hostmon::agent::ipmi {
namespace {

// Names and help texts as ipmi_exporter's collector_ipmi.go.
constexpr MetricDesc kSensorState{
    "ipmi_sensor_state", kGauge,
    "Indicates the severity of the state reported by an IPMI sensor (0=nominal, 1=warning, "
    "2=critical)."};
constexpr MetricDesc kSensorValue{
    "ipmi_sensor_value", kGauge,
    "Generic data read from an IPMI sensor of unknown type, relying on labels for context."};
constexpr MetricDesc kFanSpeedRpm{"ipmi_fan_speed_rpm", kGauge,
                                  "Fan speed in rotations per minute."};
constexpr MetricDesc kFanSpeedRatio{"ipmi_fan_speed_ratio", kGauge,
                                    "Fan speed as a proportion of the maximum speed."};
constexpr MetricDesc kFanSpeedState{
    "ipmi_fan_speed_state", kGauge,
    "Reported state of a fan speed sensor (0=nominal, 1=warning, 2=critical)."};
constexpr MetricDesc kTemperature{"ipmi_temperature_celsius", kGauge,
                                  "Temperature reading in degree Celsius."};
constexpr MetricDesc kTemperatureState{
    "ipmi_temperature_state", kGauge,
    "Reported state of a temperature sensor (0=nominal, 1=warning, 2=critical)."};
constexpr MetricDesc kVoltage{"ipmi_voltage_volts", kGauge, "Voltage reading in Volts."};
constexpr MetricDesc kVoltageState{
    "ipmi_voltage_state", kGauge,
    "Reported state of a voltage sensor (0=nominal, 1=warning, 2=critical)."};
constexpr MetricDesc kCurrent{"ipmi_current_amperes", kGauge, "Current reading in Amperes."};
constexpr MetricDesc kCurrentState{
    "ipmi_current_state", kGauge,
    "Reported state of a current sensor (0=nominal, 1=warning, 2=critical)."};
constexpr MetricDesc kPower{"ipmi_power_watts", kGauge, "Power reading in Watts."};
constexpr MetricDesc kPowerState{
    "ipmi_power_state", kGauge,
    "Reported state of a power sensor (0=nominal, 1=warning, 2=critical)."};

// libfreeipmi/spec/ipmi-sensor-types-spec.c, indexed by sensor type code.
constexpr absl::string_view kSensorTypeNames[] = {
    "Reserved",
    "Temperature",
    "Voltage",
    "Current",
    "Fan",
    "Physical Security",
    "Platform Security Violation Attempt",
    "Processor",
    "Power Supply",
    "Power Unit",
    "Cooling Device",
    "Other Units Based Sensor",
    "Memory",
    "Drive Slot",
    "POST Memory Resize",
    "System Firmware Progress",
    "Event Logging Disabled",
    "Watchdog 1",
    "System Event",
    "Critical Interrupt",
    "Button/Switch",
    "Module/Board",
    "Microcontroller/Coprocessor",
    "Add In Card",
    "Chassis",
    "Chip Set",
    "Other Fru",
    "Cable/Interconnect",
    "Terminator",
    "System Boot Initiated",
    "Boot Error",
    "OS Boot",
    "OS Critical Stop",
    "Slot/Connector",
    "System ACPI Power State",
    "Watchdog 2",
    "Platform Alert",
    "Entity Presence",
    "Monitor ASIC/IC",
    "LAN",
    "Management Subsystem Health",
    "Battery",
    "Session Audit",
    "Version Change",
    "FRU State",
};

bool IsBlank(char c) { return c == ' ' || c == '\0' || c == '\t'; }

}  // namespace

absl::string_view SensorTypeName(int sensor_type) {
  if (sensor_type >= 0 && sensor_type < static_cast<int>(std::size(kSensorTypeNames))) {
    return kSensorTypeNames[sensor_type];
  }
  if (sensor_type >= 0xC0 && sensor_type <= 0xFF) return "OEM Reserved";
  return "Unknown";
}

double StateValue(int state) {
  switch (state) {
    case kStateNominal:
      return 0;
    case kStateWarning:
      return 1;
    case kStateCritical:
      return 2;
    default:
      return std::nan("");
  }
}

std::string CleanSensorName(absl::string_view raw) {
  while (!raw.empty() && IsBlank(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && IsBlank(raw.back())) raw.remove_suffix(1);
  std::string name(raw);
  const bool utf8 = common::IsValidUtf8(name);
  for (char& c : name) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F || (!utf8 && b >= 0x80)) c = '?';
  }
  return name;
}

SensorWriteStats WriteSensorMetrics(absl::Span<const SensorReading> readings, LabelSpan extra,
                                    const std::vector<int64_t>& exclude_ids, SampleWriter& out) {
  SensorWriteStats stats;
  absl::flat_hash_set<int64_t> seen;
  std::vector<LabelRef> labels;
  for (const SensorReading& r : readings) {
    if (r.sensor_type == kSensorTypeUnknown) {
      ++stats.not_sensors;
      continue;
    }
    if (std::find(exclude_ids.begin(), exclude_ids.end(), r.record_id) != exclude_ids.end()) {
      ++stats.excluded;
      continue;
    }
    // ipmi_exporter keys sensors by record ID: two sensors may share a name, but a repeated ID
    // would be the same series twice, which the exposition forbids.
    if (!seen.insert(r.record_id).second) {
      ++stats.duplicate_ids;
      stats.collisions.push_back(absl::StrCat("record ID ", r.record_id, " repeated by sensor \"",
                                              CleanSensorName(r.name), "\", skipped"));
      continue;
    }
    const std::string id = absl::StrCat(r.record_id);
    const std::string name = CleanSensorName(r.name);
    const double state = StateValue(r.state);
    const MetricDesc* value_desc = nullptr;
    const MetricDesc* state_desc = nullptr;
    double scale = 1.0;
    switch (r.units) {
      case kUnitsRpm:
        value_desc = &kFanSpeedRpm;
        state_desc = &kFanSpeedState;
        break;
      case kUnitsCelsius:
        value_desc = &kTemperature;
        state_desc = &kTemperatureState;
        break;
      case kUnitsAmps:
        value_desc = &kCurrent;
        state_desc = &kCurrentState;
        break;
      case kUnitsVolts:
        value_desc = &kVoltage;
        state_desc = &kVoltageState;
        break;
      case kUnitsWatts:
        value_desc = &kPower;
        state_desc = &kPowerState;
        break;
      case kUnitsPercent:
        if (r.sensor_type == kSensorTypeFan) {
          value_desc = &kFanSpeedRatio;
          state_desc = &kFanSpeedState;
          scale = 0.01;
        }
        break;
      default:
        break;
    }
    labels.clear();
    labels.push_back({"id", id});
    labels.push_back({"name", name});
    if (value_desc == nullptr) {
      value_desc = &kSensorValue;
      state_desc = &kSensorState;
      labels.push_back({"type", SensorTypeName(r.sensor_type)});
    }
    labels.insert(labels.end(), extra.begin(), extra.end());
    out.Add(*value_desc, labels, r.value * scale);
    out.Add(*state_desc, labels, state);
    ++stats.written;
  }
  return stats;
}

}  // namespace hostmon::agent::ipmi
