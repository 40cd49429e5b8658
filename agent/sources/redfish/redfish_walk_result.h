// SPDX-License-Identifier: Apache-2.0
//
// What one walk of a Redfish service produces: samples of the redfish source's metric families,
// and the errors and problems met on the way.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace hostmon::agent::redfish {

// Metric families of the redfish source; names are <prefix>_<suffix> (idrac_exporter's names
// with its configurable prefix; see kFamilies in redfish_walk_result.cc).
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
  // Members whose id repeated another member's in the same collection, one line each: they were
  // exported under a fallback id (counted in hostmon_agent_source_member_collisions_total).
  std::vector<std::string> collisions;
  // The Chassis and Systems collections the root links were read: the target is up.
  bool collections_ok = false;
};

}  // namespace hostmon::agent::redfish
