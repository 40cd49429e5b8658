// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_walk.h"

#include <array>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

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

// The path to GET for a link: JSON-pointer fragments point into a resource already read; links
// to other services (a PDU's https://... URL) are never followed.
bool Fetchable(const std::string& link) {
  return !link.empty() && link[0] == '/' && link.find('#') == std::string::npos;
}

std::string Normalize(std::string uri) {
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  return uri;
}

std::string LastSegment(const std::string& uri) {
  std::string u = Normalize(uri);
  auto slash = u.rfind('/');
  return slash == std::string::npos ? u : u.substr(slash + 1);
}

// The id label of a collection member: its Id, unless that is empty or already used by another
// member of the same kind in the same scope (firmware copy-paste: two PSUs both "Bay1"); then the
// last segment of its URI, which is unique within the collection.
std::string UniqueId(std::set<std::string>* used, const std::string& id, const std::string& uri) {
  std::string out = id.empty() ? LastSegment(uri) : id;
  if (!used->insert(out).second) {
    out = LastSegment(uri);
    used->insert(out);
  }
  return out;
}

// Fetches a level's links in one batch; remembers bodies by path.
class Level {
 public:
  explicit Level(Fetcher& f, WalkResult* out) : fetcher_(f), out_(out) {}

  void Want(const std::string& link) {
    if (!Fetchable(link)) return;
    if (seen_.insert(link).second) paths_.push_back(link);
  }

  void Run() {
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

  // Body of a fetched link; nullptr if it was not fetched or failed (already an error).
  const std::string* Body(const std::string& link) const {
    auto it = bodies_.find(link);
    return it == bodies_.end() ? nullptr : &it->second;
  }

 private:
  Fetcher& fetcher_;
  WalkResult* out_;
  std::vector<std::string> paths_;
  std::set<std::string> seen_;
  std::map<std::string, std::string> bodies_;
};

class Walker {
 public:
  Walker(Fetcher& f, WalkResult* out) : level_(f, out), out_(out) {}

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

  void Problems(const std::string& link, const std::vector<std::string>& problems) {
    for (const auto& p : problems) out_->problems.push_back(absl::StrCat(link, ": ", p));
  }

  void Add(Family f, Labels labels, double v) {
    out_->samples.push_back(Sample{f, std::move(labels), v});
  }
  void AddOpt(Family f, Labels labels, const std::optional<double>& v) {
    if (v) Add(f, std::move(labels), *v);
  }
  // Health sample with the uniform convention; none when the service reports no health.
  void AddHealth(Family f, Labels labels, const Status& s) {
    auto v = HealthValue(s.health);
    if (!v) return;
    labels.emplace_back("status", s.health);
    labels.emplace_back("state", s.state);
    Add(f, std::move(labels), *v);
  }

  Level level_;
  WalkResult* out_;
};

struct ChassisWork {
  std::string link;
  Chassis c;
  bool thermal_new = false;
  bool power_new = false;
  std::optional<Subsystem> thermal_sub, power_sub;
  std::optional<Collection> sensors, fans, psus;
  std::optional<EnvironmentMetrics> env;
  std::vector<std::pair<std::string, PowerSupply>> psu_list;
};

struct SystemWork {
  std::string link;
  System s;
  std::optional<Collection> storage;
  std::optional<Collection> simple_storage;  // only when the system links no Storage
};

const char* TypeOfUnits(const std::string& units) {
  if (units == "Cel") return "Temperature";
  if (units == "V") return "Voltage";
  if (units == "W") return "Power";
  if (units == "A") return "Current";
  if (units == "RPM") return "Rotational";
  if (units == "%") return "Percent";
  return "";
}

}  // namespace

const FamilyInfo& Info(Family f) { return kFamilies[static_cast<size_t>(f)]; }

WalkResult Walk(Fetcher& fetcher, const ServiceRoot& root) {
  WalkResult out;
  Walker w(fetcher, &out);
  Level& level = w.level_;

  // Level 1: the collections the service root links.
  level.Want(root.chassis);
  level.Want(root.systems);
  level.Run();
  std::optional<Collection> chassis_coll, systems_coll;
  if (!root.chassis.empty()) {
    chassis_coll = w.Read<Collection>(root.chassis, ParseCollection);
    if (chassis_coll) w.Problems(root.chassis, chassis_coll->problems);
  }
  if (!root.systems.empty()) {
    systems_coll = w.Read<Collection>(root.systems, ParseCollection);
    if (systems_coll) w.Problems(root.systems, systems_coll->problems);
  }
  out.collections_ok = (root.chassis.empty() || chassis_coll) &&
                       (root.systems.empty() || systems_coll) &&
                       !(root.chassis.empty() && root.systems.empty());

  // Level 2: chassis and systems.
  if (chassis_coll) {
    for (const auto& m : chassis_coll->members) level.Want(m);
  }
  if (systems_coll) {
    for (const auto& m : systems_coll->members) level.Want(m);
  }
  level.Run();
  std::vector<ChassisWork> chassis;
  std::vector<SystemWork> systems;
  if (chassis_coll) {
    for (const auto& m : chassis_coll->members) {
      auto c = w.Read<Chassis>(m, ParseChassis);
      if (!c) continue;
      w.Problems(m, c->problems);
      ChassisWork cw;
      cw.link = m;
      cw.c = std::move(*c);
      if (cw.c.id.empty()) cw.c.id = LastSegment(m);
      cw.thermal_new = !cw.c.thermal_subsystem.empty() || !cw.c.sensors.empty();
      cw.power_new = !cw.c.power_subsystem.empty() || !cw.c.sensors.empty();
      chassis.push_back(std::move(cw));
    }
  }
  if (systems_coll) {
    for (const auto& m : systems_coll->members) {
      auto s = w.Read<System>(m, ParseSystem);
      if (!s) continue;
      w.Problems(m, s->problems);
      SystemWork sw{m, std::move(*s), std::nullopt, std::nullopt};
      if (sw.s.id.empty()) sw.s.id = LastSegment(m);
      systems.push_back(std::move(sw));
    }
  }

  // Level 3: per chassis its thermal/power resources in the chosen schema; systems' Storage.
  for (const auto& cw : chassis) {
    if (cw.thermal_new) {
      level.Want(cw.c.thermal_subsystem);
    } else {
      level.Want(cw.c.thermal);
    }
    if (cw.power_new) {
      level.Want(cw.c.power_subsystem);
      level.Want(cw.c.environment_metrics);
    } else {
      level.Want(cw.c.power);
    }
    if (cw.thermal_new || cw.power_new) level.Want(cw.c.sensors);
  }
  for (const auto& sw : systems) {
    // Storage supersedes SimpleStorage; a service with both describes the same disks twice.
    level.Want(sw.s.storage.empty() ? sw.s.simple_storage : sw.s.storage);
  }
  level.Run();

  for (auto& cw : chassis) {
    const Labels cl = {{"chassis", cw.c.id}};
    w.AddHealth(Family::kChassisHealth, cl, cw.c.status);
    if (auto v = HealthValue(cw.c.status.health_rollup)) {
      w.Add(Family::kChassisHealthRollup,
            {{"chassis", cw.c.id}, {"status", cw.c.status.health_rollup}}, *v);
    }
    w.Add(Family::kChassisSchemaInfo,
          {{"chassis", cw.c.id},
           {"thermal", cw.thermal_new ? "new" : (cw.c.thermal.empty() ? "none" : "legacy")},
           {"power", cw.power_new ? "new" : (cw.c.power.empty() ? "none" : "legacy")}},
          1);
    if (!cw.thermal_new && !cw.c.thermal.empty()) {
      if (auto t = w.Read<Thermal>(cw.c.thermal, ParseThermal)) {
        w.Problems(cw.c.thermal, t->problems);
        for (const auto& temp : t->temperatures) {
          Labels l = {{"chassis", cw.c.id}, {"id", temp.id}, {"name", temp.name}};
          Labels lu = l;
          lu.emplace_back("units", "celsius");
          w.AddOpt(Family::kTemperature, lu, temp.celsius);
          l.emplace_back("type", "Temperature");
          w.AddHealth(Family::kSensorHealth, l, temp.status);
        }
        for (const auto& fan : t->fans) {
          Labels l = {{"chassis", cw.c.id}, {"id", fan.id}, {"name", fan.name}};
          Labels lu = l;
          lu.emplace_back("units", fan.units);
          w.AddOpt(Family::kFanSpeed, lu, fan.reading);
          w.AddHealth(Family::kFanHealth, l, fan.status);
        }
      }
    }
    if (!cw.power_new && !cw.c.power.empty()) {
      if (auto p = w.Read<Power>(cw.c.power, ParsePower)) {
        w.Problems(cw.c.power, p->problems);
        for (const auto& pc : p->power_control) {
          Labels l = {{"chassis", cw.c.id}, {"id", pc.id}, {"name", pc.name}};
          w.AddOpt(Family::kPowerControlConsumed, l, pc.consumed_watts);
          w.AddOpt(Family::kPowerControlCapacity, l, pc.capacity_watts);
          w.AddOpt(Family::kPowerControlMin, l, pc.min_consumed_watts);
          w.AddOpt(Family::kPowerControlMax, l, pc.max_consumed_watts);
          w.AddOpt(Family::kPowerControlAvg, l, pc.avg_consumed_watts);
          w.AddOpt(Family::kPowerControlInterval, l, pc.interval_minutes);
        }
        for (const auto& v : p->voltages) {
          Labels l = {{"chassis", cw.c.id}, {"id", v.id}, {"name", v.name}};
          Labels lu = l;
          lu.emplace_back("units", "volts");
          w.AddOpt(Family::kVoltage, lu, v.volts);
          l.emplace_back("type", "Voltage");
          w.AddHealth(Family::kSensorHealth, l, v.status);
        }
        for (const auto& ps : p->power_supplies) {
          Labels l = {{"chassis", cw.c.id}, {"id", ps.id}};
          w.AddHealth(Family::kPsuHealth, l, ps.status);
          w.AddOpt(Family::kPsuInputWatts, l, ps.input_watts);
          w.AddOpt(Family::kPsuOutputWatts, l, ps.output_watts);
          w.AddOpt(Family::kPsuCapacityWatts, l, ps.capacity_watts);
          w.AddOpt(Family::kPsuInputVoltage, l, ps.input_voltage);
          w.AddOpt(Family::kPsuEfficiency, l, ps.efficiency_percent);
        }
      }
    }
    if (cw.thermal_new && !cw.c.thermal_subsystem.empty()) {
      cw.thermal_sub = w.Read<Subsystem>(cw.c.thermal_subsystem, ParseSubsystem);
      if (cw.thermal_sub) w.Problems(cw.c.thermal_subsystem, cw.thermal_sub->problems);
    }
    if (cw.power_new && !cw.c.power_subsystem.empty()) {
      cw.power_sub = w.Read<Subsystem>(cw.c.power_subsystem, ParseSubsystem);
      if (cw.power_sub) w.Problems(cw.c.power_subsystem, cw.power_sub->problems);
    }
    if (cw.power_new && !cw.c.environment_metrics.empty()) {
      cw.env = w.Read<EnvironmentMetrics>(cw.c.environment_metrics, ParseEnvironmentMetrics);
      if (cw.env) w.Problems(cw.c.environment_metrics, cw.env->problems);
    }
    if (!cw.c.sensors.empty() && (cw.thermal_new || cw.power_new)) {
      cw.sensors = w.Read<Collection>(cw.c.sensors, ParseCollection);
      if (cw.sensors) w.Problems(cw.c.sensors, cw.sensors->problems);
    }
  }
  for (auto& sw : systems) {
    const Status& st = sw.s.status;
    w.AddHealth(Family::kSystemHealth, {{"system", sw.s.id}}, st);
    if (auto v = HealthValue(st.health_rollup)) {
      w.Add(Family::kSystemHealthRollup, {{"system", sw.s.id}, {"status", st.health_rollup}}, *v);
    }
    if (!sw.s.power_state.empty()) {
      w.Add(Family::kSystemPowerOn, {{"system", sw.s.id}}, sw.s.power_state == "On" ? 1 : 0);
    }
    w.Add(Family::kSystemMachineInfo,
          {{"system", sw.s.id},
           {"manufacturer", sw.s.manufacturer},
           {"model", sw.s.model},
           {"serial", sw.s.serial},
           {"sku", sw.s.sku},
           {"hostname", sw.s.hostname}},
          1);
    if (sw.s.memory_gib) {
      w.Add(Family::kSystemMemorySize, {{"system", sw.s.id}}, *sw.s.memory_gib * 1073741824.0);
    }
    if (sw.s.cpu_count) {
      w.Add(Family::kSystemCpuCount, {{"system", sw.s.id}, {"model", sw.s.cpu_model}},
            *sw.s.cpu_count);
    }
    if (!sw.s.storage.empty()) {
      sw.storage = w.Read<Collection>(sw.s.storage, ParseCollection);
      if (sw.storage) w.Problems(sw.s.storage, sw.storage->problems);
    } else if (!sw.s.simple_storage.empty()) {
      sw.simple_storage = w.Read<Collection>(sw.s.simple_storage, ParseCollection);
      if (sw.simple_storage) w.Problems(sw.s.simple_storage, sw.simple_storage->problems);
    }
  }

  // Level 4: fan and PSU collections, thermal metrics, storage resources.
  for (const auto& cw : chassis) {
    if (cw.thermal_sub) {
      level.Want(cw.thermal_sub->fans);
      level.Want(cw.thermal_sub->thermal_metrics);
    }
    if (cw.power_sub) level.Want(cw.power_sub->power_supplies);
  }
  for (const auto& sw : systems) {
    if (sw.storage) {
      for (const auto& m : sw.storage->members) level.Want(m);
    }
    if (sw.simple_storage) {
      for (const auto& m : sw.simple_storage->members) level.Want(m);
    }
  }
  level.Run();
  for (auto& cw : chassis) {
    if (cw.thermal_sub && !cw.thermal_sub->fans.empty()) {
      cw.fans = w.Read<Collection>(cw.thermal_sub->fans, ParseCollection);
    }
    if (cw.power_sub && !cw.power_sub->power_supplies.empty()) {
      cw.psus = w.Read<Collection>(cw.power_sub->power_supplies, ParseCollection);
    }
  }
  struct StorageWork {
    std::string system;
    Storage st;
  };
  std::vector<StorageWork> storages;
  for (const auto& sw : systems) {
    if (!sw.storage) continue;
    for (const auto& m : sw.storage->members) {
      auto st = w.Read<Storage>(m, ParseStorage);
      if (!st) continue;
      w.Problems(m, st->problems);
      if (st->id.empty()) st->id = LastSegment(m);
      w.AddHealth(Family::kStorageHealth, {{"system", sw.s.id}, {"id", st->id}}, st->status);
      storages.push_back(StorageWork{sw.s.id, std::move(*st)});
    }
  }
  for (const auto& sw : systems) {
    if (!sw.simple_storage) continue;
    std::set<std::string> used;
    for (const auto& m : sw.simple_storage->members) {
      auto ss = w.Read<SimpleStorage>(m, ParseSimpleStorage);
      if (!ss) continue;
      w.Problems(m, ss->problems);
      const std::string sid = ss->id.empty() ? LastSegment(m) : ss->id;
      w.AddHealth(Family::kStorageHealth, {{"system", sw.s.id}, {"id", sid}}, ss->status);
      for (size_t i = 0; i < ss->devices.size(); ++i) {
        const SimpleStorageDevice& d = ss->devices[i];
        if (d.status.state == "Absent") continue;  // an empty bay, not a drive
        // Devices have no Id: the name, or the position when names repeat.
        std::string id = UniqueId(&used, d.name, absl::StrCat(m, "/", i));
        const Labels l = {{"system", sw.s.id}, {"id", id}, {"storage_id", sid}};
        w.Add(Family::kDriveInfo,
              {{"system", sw.s.id},
               {"id", id},
               {"storage_id", sid},
               {"manufacturer", d.manufacturer},
               {"mediatype", ""},
               {"model", d.model},
               {"name", d.name},
               {"protocol", ""},
               {"serial", ""},
               {"slot", ""}},
              1);
        w.AddHealth(Family::kDriveHealth, l, d.status);
        w.AddOpt(Family::kDriveCapacity, l, d.capacity_bytes);
      }
    }
  }

  // Level 5: fans, power supplies, drives.
  for (const auto& cw : chassis) {
    if (cw.fans) {
      for (const auto& m : cw.fans->members) level.Want(m);
    }
    if (cw.psus) {
      for (const auto& m : cw.psus->members) level.Want(m);
    }
  }
  for (const auto& sw : storages) {
    for (const auto& d : sw.st.drives) level.Want(d);
  }
  level.Run();
  for (auto& cw : chassis) {
    if (!cw.psus) continue;
    std::set<std::string> used;
    for (const auto& m : cw.psus->members) {
      std::vector<std::string> problems;
      auto ps = w.Read<PowerSupply>(
          m, [&problems](absl::string_view j) { return ParsePowerSupply(j, &problems); });
      w.Problems(m, problems);
      if (!ps) continue;
      ps->id = UniqueId(&used, ps->id, m);
      cw.psu_list.emplace_back(m, std::move(*ps));
    }
  }
  std::set<std::string> drives_done;
  std::map<std::string, std::set<std::string>> drive_ids;  // per system
  for (const auto& sw : storages) {
    for (const auto& d : sw.st.drives) {
      if (!drives_done.insert(Normalize(d)).second) continue;
      auto drive = w.Read<Drive>(d, ParseDrive);
      if (!drive) continue;
      w.Problems(d, drive->problems);
      if (drive->status.state == "Absent") continue;  // an empty bay, not a drive
      std::string id = UniqueId(&drive_ids[sw.system], drive->id, d);
      const Labels l = {{"system", sw.system}, {"id", id}, {"storage_id", sw.st.id}};
      w.Add(Family::kDriveInfo,
            {{"system", sw.system},
             {"id", id},
             {"storage_id", sw.st.id},
             {"manufacturer", drive->manufacturer},
             {"mediatype", drive->media_type},
             {"model", drive->model},
             {"name", drive->name},
             {"protocol", drive->protocol},
             {"serial", drive->serial},
             {"slot", drive->slot}},
            1);
      w.AddHealth(Family::kDriveHealth, l, drive->status);
      w.AddOpt(Family::kDriveCapacity, l, drive->capacity_bytes);
      w.AddOpt(Family::kDriveLifeLeft, l, drive->life_left_percent);
      if (drive->failure_predicted) {
        w.Add(Family::kDriveFailurePredicted, l, *drive->failure_predicted ? 1 : 0);
      }
    }
  }

  // Level 6: power supply metrics and the Sensors members. The sensors (dozens per chassis) come
  // last on purpose: when a slow BMC runs into the collection deadline, the health of fans,
  // PSUs and drives has already been read.
  for (const auto& cw : chassis) {
    for (const auto& [link, ps] : cw.psu_list) level.Want(ps.metrics);
    if (cw.sensors) {
      for (const auto& m : cw.sensors->members) level.Want(m);
    }
  }
  level.Run();

  // Emission for the new schema, with the claim rule of the header comment.
  for (auto& cw : chassis) {
    std::set<std::string> claimed;
    auto claim = [&claimed](const std::string& uri) {
      if (!uri.empty()) claimed.insert(Normalize(uri));
    };
    const std::string& cid = cw.c.id;
    if (cw.fans) {
      std::set<std::string> used;
      for (const auto& m : cw.fans->members) {
        auto fan = w.Read<Fan>(m, ParseFan);
        if (!fan) continue;
        w.Problems(m, fan->problems);
        std::string id = UniqueId(&used, fan->id, m);
        Labels l = {{"chassis", cid}, {"id", id}, {"name", fan->name}};
        if (fan->percent) {
          Labels lu = l;
          lu.emplace_back("units", "percent");
          w.Add(Family::kFanSpeed, lu, *fan->percent);
        }
        if (fan->rpm) {
          Labels lu = l;
          lu.emplace_back("units", "rpm");
          w.Add(Family::kFanSpeed, lu, *fan->rpm);
        }
        w.AddHealth(Family::kFanHealth, l, fan->status);
        claim(fan->data_source_uri);
      }
    }
    for (auto& [link, ps] : cw.psu_list) {
      Labels l = {{"chassis", cid}, {"id", ps.id}};
      w.AddHealth(Family::kPsuHealth, l, ps.status);
      w.AddOpt(Family::kPsuCapacityWatts, l, ps.capacity_watts);
      if (ps.metrics.empty()) continue;
      auto m = w.Read<PowerSupplyMetrics>(ps.metrics, ParsePowerSupplyMetrics);
      if (!m) continue;
      w.Problems(ps.metrics, m->problems);
      w.AddOpt(Family::kPsuInputWatts, l, m->input_watts.reading);
      w.AddOpt(Family::kPsuOutputWatts, l, m->output_watts.reading);
      w.AddOpt(Family::kPsuInputVoltage, l, m->input_voltage.reading);
      claim(m->input_watts.data_source_uri);
      claim(m->output_watts.data_source_uri);
      claim(m->input_voltage.data_source_uri);
    }
    if (cw.env && cw.env->power_watts.reading) {
      w.Add(Family::kPowerControlConsumed,
            {{"chassis", cid}, {"id", "EnvironmentMetrics"}, {"name", cw.c.name}},
            *cw.env->power_watts.reading);
      claim(cw.env->power_watts.data_source_uri);
    }
    std::set<std::string> in_sensors, sensor_ids;
    if (cw.sensors) {
      for (const auto& m : cw.sensors->members) {
        in_sensors.insert(Normalize(m));
        if (claimed.count(Normalize(m)) != 0) continue;
        auto s = w.Read<Sensor>(m, ParseSensor);
        if (!s) continue;
        w.Problems(m, s->problems);
        std::string type =
            s->reading_type.empty() ? TypeOfUnits(s->reading_units) : s->reading_type;
        // Per domain: a thermal-only or power-only "new" decision still exports each sensor
        // once, from here; the legacy resource of the other domain was not read.
        const bool thermal = type == "Temperature" || type == "Rotational";
        if (thermal ? !cw.thermal_new : !cw.power_new) continue;
        std::string id = UniqueId(&sensor_ids, s->id, m);
        Labels l = {{"chassis", cid}, {"id", id}, {"name", s->name}};
        if (s->reading) {
          Labels lu = l;
          if (type == "Temperature") {
            lu.emplace_back("units", "celsius");
            w.Add(Family::kTemperature, lu, *s->reading);
          } else if (type == "Voltage") {
            lu.emplace_back("units", "volts");
            w.Add(Family::kVoltage, lu, *s->reading);
          } else if (type == "Power") {
            lu.emplace_back("units", "watts");
            w.Add(Family::kSensorPower, lu, *s->reading);
          } else if (type == "Current") {
            lu.emplace_back("units", "amperes");
            w.Add(Family::kSensorCurrent, lu, *s->reading);
          } else if (type == "Rotational") {
            lu.emplace_back("units", "rpm");
            w.Add(Family::kFanSpeed, lu, *s->reading);
          } else {
            lu.emplace_back("type", type);
            lu.emplace_back("units", s->reading_units);
            w.Add(Family::kSensorReading, lu, *s->reading);
          }
        }
        l.emplace_back("type", type);
        w.AddHealth(Family::kSensorHealth, l, s->status);
      }
    }
    if (cw.thermal_sub && !cw.thermal_sub->thermal_metrics.empty()) {
      auto tm = w.Read<ThermalMetrics>(cw.thermal_sub->thermal_metrics, ParseThermalMetrics);
      if (tm) {
        w.Problems(cw.thermal_sub->thermal_metrics, tm->problems);
        for (const auto& t : tm->temperatures) {
          const std::string uri = Normalize(t.excerpt.data_source_uri);
          if (!uri.empty() && (in_sensors.count(uri) != 0 || claimed.count(uri) != 0)) continue;
          if (!t.excerpt.reading) continue;
          std::string id = uri.empty() ? t.name : LastSegment(uri);
          w.Add(Family::kTemperature,
                {{"chassis", cid}, {"id", id}, {"name", t.name}, {"units", "celsius"}},
                *t.excerpt.reading);
        }
      }
    }
  }
  return out;
}

}  // namespace hostmon::agent::redfish
