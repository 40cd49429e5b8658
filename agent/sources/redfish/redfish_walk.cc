// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_walk.h"

#include "agent/sources/redfish/redfish_walk_internal.h"

namespace hostmon::agent::redfish {
namespace walk {
namespace {

// The path to GET for a link: JSON-pointer fragments point into a resource already read; links
// to other services (a PDU's https://... URL) are never followed.
bool Fetchable(const std::string& link) {
  return !link.empty() && link[0] == '/' && link.find('#') == std::string::npos;
}

}  // namespace

std::string Normalize(std::string uri) {
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  return uri;
}

std::string LastSegment(const std::string& uri) {
  std::string u = Normalize(uri);
  auto slash = u.rfind('/');
  return slash == std::string::npos ? u : u.substr(slash + 1);
}

Labels With(Labels labels, std::string name, std::string value) {
  labels.emplace_back(std::move(name), std::move(value));
  return labels;
}

void Level::Want(const std::string& link) {
  if (!Fetchable(link)) return;
  if (seen_.insert(link).second) paths_.push_back(link);
}

void Level::Run() {
  if (paths_.empty()) return;
  auto results = fetcher_.GetAll(paths_);
  for (size_t i = 0; i < paths_.size(); ++i) {
    if (results[i].ok()) {
      bodies_[paths_[i]] = std::move(*results[i]);
    } else {
      out_->errors.push_back(std::string(results[i].status().message()));
    }
  }
  paths_.clear();
}

const std::string* Level::Body(const std::string& link) const {
  auto it = bodies_.find(link);
  return it == bodies_.end() ? nullptr : &it->second;
}

void Walker::Problems(const std::string& link, const std::vector<std::string>& problems) {
  for (const auto& p : problems) out_->problems.push_back(absl::StrCat(link, ": ", p));
}

std::string Walker::MemberId(std::set<std::string>* used, const std::string& id,
                             const std::string& uri, size_t index, const std::string& scope) {
  const std::string position = absl::StrCat(index);
  const std::string from_uri = uri.empty() ? "" : LastSegment(uri);
  std::string out = !id.empty() ? id : !from_uri.empty() ? from_uri : position;
  if (used->insert(out).second) return out;
  const std::string repeated = out;
  out.clear();
  for (const std::string& candidate : {from_uri, position}) {
    if (!candidate.empty() && used->insert(candidate).second) {
      out = candidate;
      break;
    }
  }
  for (int n = 0; out.empty(); ++n) {
    std::string candidate =
        absl::StrCat(repeated, "_", position, n == 0 ? "" : absl::StrCat("_", n));
    if (used->insert(candidate).second) out = std::move(candidate);
  }
  out_->collisions.push_back(
      absl::StrCat(scope, ": member ", uri.empty() ? absl::StrCat("[", index, "]") : uri,
                   " repeats id \"", repeated, "\", exported as id \"", out, "\""));
  return out;
}

void Walker::Add(Family f, Labels labels, double v) {
  out_->samples.push_back(Sample{f, std::move(labels), v});
}

void Walker::AddOpt(Family f, Labels labels, const std::optional<double>& v) {
  if (v) Add(f, std::move(labels), *v);
}

void Walker::AddHealth(Family f, Labels labels, const Status& s) {
  auto v = HealthValue(s.health);
  if (!v) return;
  labels.emplace_back("status", s.health);
  labels.emplace_back("state", s.state);
  Add(f, std::move(labels), *v);
}

void Walker::AddSensor(const Labels& l, Family f, const std::string& units,
                       const std::optional<double>& reading, const std::string& type,
                       const Status& s) {
  if (!Absent(s)) AddOpt(f, With(l, "units", units), reading);
  AddHealth(Family::kSensorHealth, With(l, "type", type), s);
}

}  // namespace walk

WalkResult Walk(Fetcher& fetcher, const ServiceRoot& root) {
  WalkResult out;
  walk::Walker w(fetcher, &out);

  // Level 1: the collections the service root links.
  w.Want(root.chassis);
  w.Want(root.systems);
  w.Run();
  const std::optional<Collection> chassis_coll =
      w.ReadChecked<Collection>(root.chassis, ParseCollection);
  const std::optional<Collection> systems_coll =
      w.ReadChecked<Collection>(root.systems, ParseCollection);
  out.collections_ok = (root.chassis.empty() || chassis_coll) &&
                       (root.systems.empty() || systems_coll) &&
                       !(root.chassis.empty() && root.systems.empty());

  // Level 2: chassis and systems.
  w.WantMembers(chassis_coll);
  w.WantMembers(systems_coll);
  w.Run();
  std::vector<walk::ChassisWork> chassis = w.ReadChassis(chassis_coll);
  std::vector<walk::SystemWork> systems = w.ReadSystems(systems_coll);

  // Level 3: per chassis its thermal/power resources in the chosen schema; systems' Storage.
  for (const auto& cw : chassis) w.WantChassisResources(cw);
  for (const auto& sw : systems) w.WantStorageCollection(sw);
  w.Run();
  for (auto& cw : chassis) {
    w.EmitChassis(cw);
    w.EmitLegacyThermal(cw);
    w.EmitLegacyPower(cw);
    w.ReadSubsystems(&cw);
  }
  for (auto& sw : systems) {
    w.EmitSystem(sw);
    w.ReadStorageCollection(&sw);
  }

  // Level 4: fan and PSU collections, thermal metrics, storage resources.
  for (const auto& cw : chassis) w.WantSubsystemMembers(cw);
  for (const auto& sw : systems) w.WantStorageMembers(sw);
  w.Run();
  for (auto& cw : chassis) w.ReadFanAndPsuCollections(&cw);
  const std::vector<walk::StorageWork> storages = w.ReadStorage(systems);
  w.EmitSimpleStorage(systems);

  // Level 5: fans, power supplies, drives.
  for (const auto& cw : chassis) w.WantFansAndPsus(cw);
  for (const auto& st : storages) {
    for (const auto& d : st.st.drives) w.Want(d);
  }
  w.Run();
  for (auto& cw : chassis) w.ReadPowerSupplies(&cw);
  w.EmitDrives(storages);

  // Level 6: power supply metrics and the Sensors members. The sensors (dozens per chassis) come
  // last on purpose: when a slow BMC runs into the collection deadline, the health of fans,
  // PSUs and drives has already been read.
  for (const auto& cw : chassis) w.WantPsuMetricsAndSensors(cw);
  w.Run();
  for (const auto& cw : chassis) w.EmitNewSchema(cw);
  return out;
}

}  // namespace hostmon::agent::redfish
