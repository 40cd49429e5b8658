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

#include "agent/sources/redfish/redfish_fetcher.h"
#include "agent/sources/redfish/redfish_parser.h"
#include "agent/sources/redfish/redfish_walk_result.h"

namespace hostmon::agent::redfish {

WalkResult Walk(Fetcher& fetcher, const ServiceRoot& root);

}  // namespace hostmon::agent::redfish
