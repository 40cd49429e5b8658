// SPDX-License-Identifier: Apache-2.0
//
// Pure parsers for the Redfish resources the redfish source reads. Each function takes the JSON
// text of one GET response and names the DMTF schema (DSP8010 bundle, version as found in the
// DMTF public mockups of bundle 2025.4) it reads; older minor versions of the same schema carry
// a subset of the properties and parse the same way.
//
// Conventions shared by all parsers:
// - Text that is not JSON, or JSON that is not an object, is an InvalidArgument error naming the
//   resource and the JSON parser's message (byte offset). Nothing throws.
// - A missing optional property leaves the field empty (std::nullopt / "").
// - A property of the wrong type (a string or null where a number is expected) leaves the field
//   empty and appends one line to `problems`, so the caller can log it: data is never dropped
//   silently and never misread.
// - Links are the "@odata.id" strings as the service sent them (JSON-pointer fragments such as
//   "/redfish/v1/Chassis/1U/Thermal#/Fans/0" are kept as they are).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent::redfish {

// Resource.Status (Resource.v1_19_0): Health and HealthRollup ("OK", "Warning", "Critical"),
// State ("Enabled", "Disabled", "Absent", ...).
struct Status {
  std::string health;
  std::string health_rollup;
  std::string state;
};

// The uniform health convention of every *_health metric: 0 OK, 1 Warning, 2 Critical (as
// ipmi_exporter's ipmi_sensor_state and idrac_exporter's health2value), 3 for any other
// non-empty value. Returns nullopt for an empty health (the service reports none).
std::optional<double> HealthValue(absl::string_view health);

// ServiceRoot.v1_20_0 (GET /redfish/v1/).
struct ServiceRoot {
  std::string chassis;          // Chassis collection link
  std::string systems;          // Systems collection link
  std::string session_service;  // SessionService link
  std::string sessions;         // Links.Sessions (the session collection to POST to)
  std::vector<std::string> problems;
};
absl::StatusOr<ServiceRoot> ParseServiceRoot(absl::string_view json);

// Any resource collection (e.g. ChassisCollection, SensorCollection): the Members links.
struct Collection {
  std::vector<std::string> members;
  std::vector<std::string> problems;
};
absl::StatusOr<Collection> ParseCollection(absl::string_view json);

// SessionService.v1_1_9: the Sessions collection link.
absl::StatusOr<std::string> ParseSessionServiceSessions(absl::string_view json);

// Chassis.v1_28_0: identity, status and the links to its thermal/power resources.
struct Chassis {
  std::string id;
  std::string name;
  Status status;
  std::string thermal;            // legacy Thermal.v1_7_3 (deprecated since 2020.4)
  std::string power;              // legacy Power.v1_7_3 (deprecated since 2020.4)
  std::string thermal_subsystem;  // ThermalSubsystem.v1_5_0
  std::string power_subsystem;    // PowerSubsystem.v1_1_3
  std::string sensors;            // SensorCollection
  std::string environment_metrics;
  std::string drives;  // DriveCollection (informational; drives are read through Storage)
  std::vector<std::string> problems;
};
absl::StatusOr<Chassis> ParseChassis(absl::string_view json);

// Thermal.v1_7_3 (legacy): Temperatures[] and Fans[]. Members of the legacy arrays carry their
// own "@odata.id" (a JSON-pointer fragment, "/redfish/v1/Chassis/1U/Thermal#/Fans/0"): `uri`,
// the identity of a member whose MemberId is missing (the schema requires it; firmware omits it).
struct LegacyTemperature {
  std::string id;  // MemberId
  std::string uri;
  std::string name;
  Status status;
  std::optional<double> celsius;  // ReadingCelsius
};
struct LegacyFan {
  std::string id;  // MemberId
  std::string uri;
  std::string name;
  Status status;
  std::optional<double> reading;
  std::string units;  // "rpm" or "percent" (from ReadingUnits RPM / Percent)
};
struct Thermal {
  std::vector<LegacyTemperature> temperatures;
  std::vector<LegacyFan> fans;
  std::vector<std::string> problems;
};
absl::StatusOr<Thermal> ParseThermal(absl::string_view json);

// Power.v1_7_3 (legacy): PowerControl[], Voltages[], PowerSupplies[].
struct LegacyPowerControl {
  std::string id;  // MemberId
  std::string uri;
  std::string name;
  std::optional<double> consumed_watts;  // PowerConsumedWatts
  std::optional<double> capacity_watts;  // PowerCapacityWatts
  std::optional<double> min_consumed_watts;
  std::optional<double> max_consumed_watts;
  std::optional<double> avg_consumed_watts;  // PowerMetrics.AverageConsumedWatts
  std::optional<double> interval_minutes;    // PowerMetrics.IntervalInMin
};
struct LegacyVoltage {
  std::string id;  // MemberId
  std::string uri;
  std::string name;
  Status status;
  std::optional<double> volts;  // ReadingVolts
};
struct PowerSupply {
  std::string id;   // MemberId (legacy) or Id (PowerSupply resource)
  std::string uri;  // legacy member's "@odata.id" (a PowerSupply resource is keyed by its link)
  std::string name;
  Status status;
  std::optional<double> input_watts;     // PowerInputWatts / Metrics InputPowerWatts
  std::optional<double> output_watts;    // PowerOutputWatts, else LastPowerOutputWatts / Metrics
  std::optional<double> capacity_watts;  // PowerCapacityWatts
  std::optional<double> input_voltage;   // LineInputVoltage / Metrics InputVoltage
  std::optional<double> efficiency_percent;  // EfficiencyPercent (legacy only)
  std::string metrics;                       // PowerSupplyMetrics link (new schema)
};
struct Power {
  std::vector<LegacyPowerControl> power_control;
  std::vector<LegacyVoltage> voltages;
  std::vector<PowerSupply> power_supplies;
  std::vector<std::string> problems;
};
absl::StatusOr<Power> ParsePower(absl::string_view json);

// ThermalSubsystem.v1_5_0 / PowerSubsystem.v1_1_3: status and the links below.
struct Subsystem {
  Status status;
  std::string fans;                      // ThermalSubsystem: FanCollection
  std::string thermal_metrics;           // ThermalSubsystem: ThermalMetrics
  std::string power_supplies;            // PowerSubsystem: PowerSupplyCollection
  std::optional<double> capacity_watts;  // PowerSubsystem: CapacityWatts
  std::vector<std::string> problems;
};
absl::StatusOr<Subsystem> ParseSubsystem(absl::string_view json);

// A reading with the sensor it comes from (Sensor excerpts such as SensorFanExcerpt,
// SensorPowerExcerpt, SensorVoltageExcerpt). The uri is how duplicates are recognised.
struct Excerpt {
  std::optional<double> reading;
  std::string data_source_uri;
};

// Fan.v1_6_0: SpeedPercent.{Reading, SpeedRPM, DataSourceUri}.
struct Fan {
  std::string id;
  std::string name;
  Status status;
  std::optional<double> percent;
  std::optional<double> rpm;
  std::string data_source_uri;
  std::vector<std::string> problems;
};
absl::StatusOr<Fan> ParseFan(absl::string_view json);

// ThermalMetrics.v1_3_2: TemperatureReadingsCelsius[] {DeviceName, Reading, DataSourceUri}.
struct NamedReading {
  std::string name;
  Excerpt excerpt;
};
struct ThermalMetrics {
  std::vector<NamedReading> temperatures;
  std::vector<std::string> problems;
};
absl::StatusOr<ThermalMetrics> ParseThermalMetrics(absl::string_view json);

// PowerSupply.v1_6_0: identity, status, PowerCapacityWatts and the Metrics link.
absl::StatusOr<PowerSupply> ParsePowerSupply(absl::string_view json,
                                             std::vector<std::string>* problems);

// PowerSupplyMetrics.v1_2_0: InputPowerWatts, OutputPowerWatts, InputVoltage.
struct PowerSupplyMetrics {
  Excerpt input_watts;
  Excerpt output_watts;
  Excerpt input_voltage;
  std::vector<std::string> problems;
};
absl::StatusOr<PowerSupplyMetrics> ParsePowerSupplyMetrics(absl::string_view json);

// Sensor.v1_12_0: Reading, ReadingType (Temperature, Voltage, Power, Current, Rotational,
// Percent, ...) and ReadingUnits (UCUM: "Cel", "V", "W", "A", "RPM", "%", ...).
struct Sensor {
  std::string id;
  std::string name;
  Status status;
  std::optional<double> reading;
  std::string reading_type;
  std::string reading_units;
  std::string physical_context;
  std::vector<std::string> problems;
};
absl::StatusOr<Sensor> ParseSensor(absl::string_view json);

// EnvironmentMetrics.v1_5_0: PowerWatts (the chassis' consumption).
struct EnvironmentMetrics {
  Excerpt power_watts;
  std::vector<std::string> problems;
};
absl::StatusOr<EnvironmentMetrics> ParseEnvironmentMetrics(absl::string_view json);

// ComputerSystem.v1_27_0: identity, status, power state, summaries, Storage link.
struct System {
  std::string id;
  std::string name;
  Status status;
  std::string power_state;
  std::string manufacturer, model, serial, sku, hostname;
  std::optional<double> memory_gib;  // MemorySummary.TotalSystemMemoryGiB
  std::optional<double> cpu_count;   // ProcessorSummary.Count
  std::string cpu_model;             // ProcessorSummary.Model
  std::string storage;               // StorageCollection link
  std::string simple_storage;        // SimpleStorageCollection link (older services)
  std::vector<std::string> problems;
};
absl::StatusOr<System> ParseSystem(absl::string_view json);

// SimpleStorage.v1_3_2 (older services; superseded by Storage): Devices[] inline.
struct SimpleStorageDevice {
  std::string name;
  std::string manufacturer, model;
  std::optional<double> capacity_bytes;
  Status status;
};
struct SimpleStorage {
  std::string id;
  std::string name;
  Status status;
  std::vector<SimpleStorageDevice> devices;
  std::vector<std::string> problems;
};
absl::StatusOr<SimpleStorage> ParseSimpleStorage(absl::string_view json);

// Storage.v1_15_0: identity, status and Drives[] links.
struct Storage {
  std::string id;
  std::string name;
  Status status;
  std::vector<std::string> drives;
  std::vector<std::string> problems;
};
absl::StatusOr<Storage> ParseStorage(absl::string_view json);

// Drive.v1_22_0: health, media type, capacity, predicted life left, failure predicted.
struct Drive {
  std::string id;  // Id; empty if the service sends none (the caller uses the URI's last part)
  std::string name;
  Status status;
  std::string media_type;  // HDD, SSD, SMR
  std::string protocol;
  std::string manufacturer, model, serial;
  std::string slot;  // PhysicalLocation.PartLocation.LocationOrdinalValue
  std::optional<double> capacity_bytes;
  std::optional<double> life_left_percent;  // PredictedMediaLifeLeftPercent
  std::optional<bool> failure_predicted;    // FailurePredicted
  std::vector<std::string> problems;
};
absl::StatusOr<Drive> ParseDrive(absl::string_view json);

}  // namespace hostmon::agent::redfish
