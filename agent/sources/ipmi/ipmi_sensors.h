// SPDX-License-Identifier: Apache-2.0
//
// Sensor readings of a BMC as plain structs, and their conversion to ipmi_exporter's metric
// families. Kept free of libipmimonitoring so it is tested without a BMC; the numeric codes are
// those of FreeIPMI's ipmi_monitoring.h (the reader static_asserts that they match).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "agent/source.h"

namespace hostmon::agent::ipmi {

// enum ipmi_monitoring_state
inline constexpr int kStateNominal = 0;
inline constexpr int kStateWarning = 1;
inline constexpr int kStateCritical = 2;
inline constexpr int kStateUnknown = 3;

// enum ipmi_monitoring_sensor_units
inline constexpr int kUnitsNone = 0x00;
inline constexpr int kUnitsCelsius = 0x01;
inline constexpr int kUnitsFahrenheit = 0x02;
inline constexpr int kUnitsVolts = 0x03;
inline constexpr int kUnitsAmps = 0x04;
inline constexpr int kUnitsRpm = 0x05;
inline constexpr int kUnitsWatts = 0x06;
inline constexpr int kUnitsPercent = 0x07;
inline constexpr int kUnitsUnknown = 0xFF;

// enum ipmi_monitoring_sensor_type (IPMI 2.0 table 42-3); the library marks records that are not
// sensors (e.g. the BMC's own device locator record) with kSensorTypeUnknown.
inline constexpr int kSensorTypeTemperature = 0x01;
inline constexpr int kSensorTypeFan = 0x04;
inline constexpr int kSensorTypeUnknown = 0xFFFF;

// One sensor as libipmimonitoring reports it (ipmi_monitoring_sensor_read_*).
struct SensorReading {
  int64_t record_id = 0;  // SDR record ID: ipmi_exporter's `id` label (what it keys sensors by)
  std::string name;       // SDR ID string, as read (may hold padding or garbage bytes)
  int sensor_type = kSensorTypeUnknown;
  int state = kStateUnknown;
  int units = kUnitsUnknown;
  double value = std::numeric_limits<double>::quiet_NaN();  // NaN: no numeric reading
};

// FreeIPMI's name of a sensor type (libfreeipmi ipmi_sensor_types[], as ipmi-sensors and
// ipmimonitoring print it and ipmi_exporter puts in its `type` label): "Temperature",
// "Power Supply", "OEM Reserved" for 0xC0-0xFF, "Unknown" otherwise.
absl::string_view SensorTypeName(int sensor_type);

// ipmi_exporter's state value: 0 nominal, 1 warning, 2 critical, NaN for anything else (its
// "N/A" and unknown states).
double StateValue(int state);

// A sensor name safe as a label value: surrounding blanks and NUL padding removed, control
// characters and bytes of invalid UTF-8 replaced by '?'.
std::string CleanSensorName(absl::string_view raw);

struct SensorWriteStats {
  int written = 0;        // sensors exported (two samples each: value and state)
  int not_sensors = 0;    // records without a sensor type (device locators), skipped
  int excluded = 0;       // record IDs listed in exclude_sensor_ids
  int duplicate_ids = 0;  // a record ID seen before in the same reading, skipped
  // One line per skipped repeat, naming the record ID and the sensor (member collisions).
  std::vector<std::string> collisions;
};

// Writes ipmi_exporter's (collector_ipmi.go) families for `readings`: the family follows the
// units as ipmi_exporter's switch does (C -> ipmi_temperature_celsius, RPM -> ipmi_fan_speed_rpm,
// V -> ipmi_voltage_volts, A -> ipmi_current_amperes, W -> ipmi_power_watts, % of a Fan ->
// ipmi_fan_speed_ratio; everything else, Fahrenheit included, -> ipmi_sensor_value{type}), each
// with its *_state. Labels: id, name[, type], then `extra` (target and per-target labels).
// The record ID is a sensor's identity: a later sensor repeating one is skipped (the first is
// exported as read, never overwritten) and listed in `collisions`.
SensorWriteStats WriteSensorMetrics(absl::Span<const SensorReading> readings, LabelSpan extra,
                                    const std::vector<int64_t>& exclude_ids, SampleWriter& out);

}  // namespace hostmon::agent::ipmi
