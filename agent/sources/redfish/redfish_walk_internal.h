// SPDX-License-Identifier: Apache-2.0
//
// The inside of redfish::Walk() (redfish_walk.h), shared by the files that walk one domain each:
//   redfish_walk.cc          the levels in order and the fetch batches;
//   redfish_walk_chassis.cc  chassis identity and health, the schema decision, the legacy
//                            Thermal and Power resources;
//   redfish_walk_sensors.cc  the newer resources: Thermal/PowerSubsystem, fans, power supplies,
//                            EnvironmentMetrics, Sensors, ThermalMetrics;
//   redfish_walk_storage.cc  systems, Storage, SimpleStorage and drives.
// Walk() fetches level by level, each level's links in one parallel batch; each domain has a
// step that names what it wants from the next level and a step that reads what came back, and
// Walk() calls them in a fixed order so samples and errors come out in a stable order.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/redfish/redfish_fetcher.h"
#include "agent/sources/redfish/redfish_parser.h"
#include "agent/sources/redfish/redfish_walk_result.h"

namespace hostmon::agent::redfish::walk {

// A link without its trailing slashes: how two spellings of one resource are recognised.
std::string Normalize(std::string uri);
std::string LastSegment(const std::string& uri);

// A member with Status.State "Absent" (an empty bay, a PSU pulled out) exports its state only:
// never a reading, capacity or voltage left over from what used to be there.
inline bool Absent(const Status& s) { return s.state == "Absent"; }

// `labels` plus one more label.
Labels With(Labels labels, std::string name, std::string value);

// Fetches a level's links in one batch; remembers bodies by path.
class Level {
 public:
  Level(Fetcher& f, WalkResult* out) : fetcher_(f), out_(out) {}

  void Want(const std::string& link);
  void Run();
  // Body of a fetched link; nullptr if it was not fetched or failed (already an error).
  const std::string* Body(const std::string& link) const;

 private:
  Fetcher& fetcher_;
  WalkResult* out_;
  std::vector<std::string> paths_;
  std::set<std::string> seen_;
  std::map<std::string, std::string> bodies_;
};

// What the walk knows about one chassis between levels.
struct ChassisWork {
  std::string link;
  Chassis c;
  bool thermal_new = false;  // read thermal from the newer resources (header of redfish_walk.h)
  bool power_new = false;    // read power from the newer resources
  std::optional<Subsystem> thermal_sub, power_sub;
  std::optional<Collection> sensors, fans, psus;
  std::optional<EnvironmentMetrics> env;
  std::vector<std::pair<std::string, PowerSupply>> psu_list;  // link, resource
};

struct SystemWork {
  std::string link;
  System s;
  std::optional<Collection> storage;
  std::optional<Collection> simple_storage;  // only when the system links no Storage
};

struct StorageWork {
  std::string system;  // the system's id label
  Storage st;
};

// The state of one walk: the current level's fetches and the result. The domain steps are
// members so that each reads like the walk it is; they are defined in the domain's file.
class Walker {
 public:
  Walker(Fetcher& f, WalkResult* out) : level_(f, out), out_(out) {}

  void Want(const std::string& link) { level_.Want(link); }
  void WantMembers(const std::optional<Collection>& c) {
    if (c) {
      for (const auto& m : c->members) Want(m);
    }
  }
  void Run() { level_.Run(); }

  // Parses a fetched resource: nullopt (with an error) if it is missing or unparsable.
  template <typename T, typename Parse>
  std::optional<T> Read(const std::string& link, Parse parse) {
    const std::string* body = level_.Body(link);
    if (body == nullptr) return std::nullopt;
    absl::StatusOr<T> r = parse(*body);
    if (!r.ok()) {
      out_->errors.push_back(absl::StrCat(link, ": ", r.status().message()));
      return std::nullopt;
    }
    return std::move(*r);
  }
  // Read, and the parsed resource's problems reported.
  template <typename T, typename Parse>
  std::optional<T> ReadChecked(const std::string& link, Parse parse) {
    std::optional<T> r = Read<T>(link, parse);
    if (r) Problems(link, r->problems);
    return r;
  }
  void Problems(const std::string& link, const std::vector<std::string>& problems);

  // The id label of the member at `index` of a collection or array (`scope` names it for the
  // log): its Id/MemberId; else the last segment of its URI (the fragment "/PowerSupplies/1" of
  // a legacy array member gives "1"); else its index. An id already used in the same scope
  // (firmware copy-paste: two PSUs both "Bay1") is a collision: the member gets the last segment
  // of its URI, else its index, else "<id>_<index>", and the collision goes to out->collisions.
  // `used` holds the ids given in the scope so far.
  std::string MemberId(std::set<std::string>* used, const std::string& id, const std::string& uri,
                       size_t index, const std::string& scope);

  void Add(Family f, Labels labels, double v);
  void AddOpt(Family f, Labels labels, const std::optional<double>& v);
  // Health sample with the uniform convention; none when the service reports no health.
  void AddHealth(Family f, Labels labels, const Status& s);
  // A sensor: its reading in family `f` with a `units` label, its health in sensors_health with
  // a `type` label.
  void AddSensor(const Labels& l, Family f, const std::string& units,
                 const std::optional<double>& reading, const std::string& type, const Status& s);

  // redfish_walk_chassis.cc
  std::vector<ChassisWork> ReadChassis(const std::optional<Collection>& members);
  void WantChassisResources(const ChassisWork& cw);
  void EmitChassis(const ChassisWork& cw);
  void EmitLegacyThermal(const ChassisWork& cw);
  void EmitLegacyPower(const ChassisWork& cw);

  // redfish_walk_sensors.cc
  void ReadSubsystems(ChassisWork* cw);
  void WantSubsystemMembers(const ChassisWork& cw);
  void ReadFanAndPsuCollections(ChassisWork* cw);
  void WantFansAndPsus(const ChassisWork& cw);
  void ReadPowerSupplies(ChassisWork* cw);
  void WantPsuMetricsAndSensors(const ChassisWork& cw);
  void EmitNewSchema(const ChassisWork& cw);

  // redfish_walk_storage.cc
  std::vector<SystemWork> ReadSystems(const std::optional<Collection>& members);
  void WantStorageCollection(const SystemWork& sw);
  void EmitSystem(const SystemWork& sw);
  void ReadStorageCollection(SystemWork* sw);
  void WantStorageMembers(const SystemWork& sw);
  std::vector<StorageWork> ReadStorage(const std::vector<SystemWork>& systems);
  void EmitSimpleStorage(const std::vector<SystemWork>& systems);
  void EmitDrives(const std::vector<StorageWork>& storages);

 private:
  // New-schema emission, in this order (the claim rule of redfish_walk.h): each claims the
  // Sensor URIs its readings come from.
  void EmitFans(const ChassisWork& cw, std::set<std::string>* claimed);
  void EmitPowerSupplies(const ChassisWork& cw, std::set<std::string>* claimed);
  void EmitEnvironment(const ChassisWork& cw, std::set<std::string>* claimed);
  // Unclaimed members of the Sensors collection; `in_sensors` gets every member.
  void EmitSensors(const ChassisWork& cw, const std::set<std::string>& claimed,
                   std::set<std::string>* in_sensors);
  void EmitThermalMetrics(const ChassisWork& cw, const std::set<std::string>& claimed,
                          const std::set<std::string>& in_sensors);
  // One drive's info, health, capacity, life left and failure prediction.
  void EmitDrive(const std::string& system, const std::string& id, const std::string& storage_id,
                 const Drive& d);

  Level level_;
  WalkResult* out_;
};

}  // namespace hostmon::agent::redfish::walk
