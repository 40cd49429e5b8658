// SPDX-License-Identifier: Apache-2.0
//
// One collection of one Redfish service: follows @odata.id links from the service root (never a
// hard-coded member path) level by level, fetching each level's resources in one parallel batch,
// and turns them into samples. Network-free: resources come from a Fetcher, so tests can walk
// the DMTF mockups from disk.
//
// Schema preference, decided per chassis and per domain, so no reading is exported twice:
// - thermal: the newer resources (ThermalSubsystem, Sensors) when the chassis links either;
//   the legacy Thermal resource only when it links neither.
// - power: the newer resources (PowerSubsystem, Sensors, EnvironmentMetrics) when the chassis
//   links PowerSubsystem or Sensors; the legacy Power resource only when it links neither.
// - within the newer resources one physical sensor is exported once, keyed by its Sensor URI:
//   Fans (fan speed), PowerSupplies' Metrics (PSU input/output watts, input voltage) and
//   EnvironmentMetrics.PowerWatts (chassis consumption) claim the sensors their DataSourceUri
//   names; the Sensors collection exports only unclaimed sensors; ThermalMetrics'
//   TemperatureReadingsCelsius only entries whose sensor is not in the Sensors collection.
// - drives are read through Systems/*/Storage/*; a drive listed by two Storage resources is
//   exported once (first Storage in collection order). Only a system that links no Storage is
//   read through the older SimpleStorage (its Devices); "Absent" drives/devices (empty bays) are
//   not exported.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/sources/redfish/redfish_parser.h"

namespace hostmon::agent::redfish {

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // GETs each service-relative path (in parallel where possible): the body of a 2xx response,
  // or an error naming the path.
  virtual std::vector<absl::StatusOr<std::string>> GetAll(
      const std::vector<std::string>& paths) = 0;
};

// Metric families of the redfish source; names are <prefix>_<suffix> (idrac_exporter's names
// with its configurable prefix; see kFamilies in redfish_walk.cc).
enum class Family {
  kUp,
  kCollectionErrors,
  kCollectionDuration,
  kChassisHealth,
  kChassisHealthRollup,
  kChassisSchemaInfo,
  kSystemHealth,
  kSystemHealthRollup,
  kSystemPowerOn,
  kSystemMachineInfo,
  kSystemMemorySize,
  kSystemCpuCount,
  kTemperature,
  kVoltage,
  kSensorPower,
  kSensorCurrent,
  kSensorReading,
  kSensorHealth,
  kFanSpeed,
  kFanHealth,
  kPsuHealth,
  kPsuInputWatts,
  kPsuOutputWatts,
  kPsuCapacityWatts,
  kPsuInputVoltage,
  kPsuEfficiency,
  kPowerControlConsumed,
  kPowerControlCapacity,
  kPowerControlMin,
  kPowerControlMax,
  kPowerControlAvg,
  kPowerControlInterval,
  kStorageHealth,
  kDriveInfo,
  kDriveHealth,
  kDriveCapacity,
  kDriveLifeLeft,
  kDriveFailurePredicted,
  kCount,
};

struct FamilyInfo {
  const char* suffix;
  const char* help;
};
const FamilyInfo& Info(Family f);

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Family family;
  Labels labels;
  double value;
};

struct WalkResult {
  std::vector<Sample> samples;
  // One line per request that failed or resource that could not be parsed (counted in
  // <prefix>_collection_errors).
  std::vector<std::string> errors;
  // Properties of the wrong type in otherwise usable resources (logged at debug level).
  std::vector<std::string> problems;
  // The Chassis and Systems collections the root links were read: the target is up.
  bool collections_ok = false;
};

WalkResult Walk(Fetcher& fetcher, const ServiceRoot& root);

}  // namespace hostmon::agent::redfish
