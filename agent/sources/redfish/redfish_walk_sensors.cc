// SPDX-License-Identifier: Apache-2.0
//
// A chassis' newer thermal and power resources: ThermalSubsystem.v1_5_0 (Fans, ThermalMetrics),
// PowerSubsystem.v1_1_3 (PowerSupplies and their Metrics), EnvironmentMetrics.v1_5_0 and the
// Sensors collection (Sensor.v1_12_0), with the claim rule of redfish_walk.h: one physical sensor
// is exported once.
#include "agent/sources/redfish/redfish_walk_internal.h"

namespace hostmon::agent::redfish::walk {
namespace {

// A Sensor's ReadingType from its UCUM units, for services that send units only.
const char* TypeOfUnits(const std::string& units) {
  if (units == "Cel") return "Temperature";
  if (units == "V") return "Voltage";
  if (units == "W") return "Power";
  if (units == "A") return "Current";
  if (units == "RPM") return "Rotational";
  if (units == "%") return "Percent";
  return "";
}

// The family and units label of the reading types with a family of their own; other types go
// to kSensorReading with their type and units as labels.
struct TypedFamily {
  const char* type;
  Family family;
  const char* units;
};
constexpr TypedFamily kTypedFamilies[] = {
    {"Temperature", Family::kTemperature, "celsius"},
    {"Voltage", Family::kVoltage, "volts"},
    {"Power", Family::kSensorPower, "watts"},
    {"Current", Family::kSensorCurrent, "amperes"},
    {"Rotational", Family::kFanSpeed, "rpm"},
};

const TypedFamily* FindTypedFamily(const std::string& type) {
  for (const TypedFamily& t : kTypedFamilies) {
    if (type == t.type) return &t;
  }
  return nullptr;
}

}  // namespace

void Walker::ReadSubsystems(ChassisWork* cw) {
  if (cw->thermal_new) {
    cw->thermal_sub = ReadChecked<Subsystem>(cw->c.thermal_subsystem, ParseSubsystem);
  }
  if (cw->power_new) {
    cw->power_sub = ReadChecked<Subsystem>(cw->c.power_subsystem, ParseSubsystem);
    cw->env = ReadChecked<EnvironmentMetrics>(cw->c.environment_metrics, ParseEnvironmentMetrics);
  }
  if (cw->thermal_new || cw->power_new) {
    cw->sensors = ReadChecked<Collection>(cw->c.sensors, ParseCollection);
  }
}

void Walker::WantSubsystemMembers(const ChassisWork& cw) {
  if (cw.thermal_sub) {
    Want(cw.thermal_sub->fans);
    Want(cw.thermal_sub->thermal_metrics);
  }
  if (cw.power_sub) Want(cw.power_sub->power_supplies);
}

void Walker::ReadFanAndPsuCollections(ChassisWork* cw) {
  if (cw->thermal_sub) cw->fans = Read<Collection>(cw->thermal_sub->fans, ParseCollection);
  if (cw->power_sub) cw->psus = Read<Collection>(cw->power_sub->power_supplies, ParseCollection);
}

void Walker::WantFansAndPsus(const ChassisWork& cw) {
  WantMembers(cw.fans);
  WantMembers(cw.psus);
}

void Walker::ReadPowerSupplies(ChassisWork* cw) {
  if (!cw->psus) return;
  std::set<std::string> used;
  const std::vector<std::string>& members = cw->psus->members;
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string& m = members[i];
    std::vector<std::string> problems;
    auto ps = Read<PowerSupply>(
        m, [&problems](absl::string_view j) { return ParsePowerSupply(j, &problems); });
    Problems(m, problems);
    if (!ps) continue;
    ps->id = MemberId(&used, ps->id, m, i, cw->power_sub->power_supplies);
    cw->psu_list.emplace_back(m, std::move(*ps));
  }
}

void Walker::WantPsuMetricsAndSensors(const ChassisWork& cw) {
  for (const auto& [link, ps] : cw.psu_list) {
    if (!Absent(ps.status)) Want(ps.metrics);
  }
  WantMembers(cw.sensors);
}

void Walker::EmitNewSchema(const ChassisWork& cw) {
  std::set<std::string> claimed, in_sensors;
  EmitFans(cw, &claimed);
  EmitPowerSupplies(cw, &claimed);
  EmitEnvironment(cw, &claimed);
  EmitSensors(cw, claimed, &in_sensors);
  EmitThermalMetrics(cw, claimed, in_sensors);
}

namespace {

void Claim(std::set<std::string>* claimed, const std::string& uri) {
  if (!uri.empty()) claimed->insert(Normalize(uri));
}

}  // namespace

void Walker::EmitFans(const ChassisWork& cw, std::set<std::string>* claimed) {
  if (!cw.fans) return;
  std::set<std::string> used;
  for (size_t i = 0; i < cw.fans->members.size(); ++i) {
    const std::string& m = cw.fans->members[i];
    auto fan = ReadChecked<Fan>(m, ParseFan);
    if (!fan) continue;
    Labels l = {{"chassis", cw.c.id},
                {"id", MemberId(&used, fan->id, m, i, cw.thermal_sub->fans)},
                {"name", fan->name}};
    if (!Absent(fan->status)) {
      if (fan->percent) Add(Family::kFanSpeed, With(l, "units", "percent"), *fan->percent);
      if (fan->rpm) Add(Family::kFanSpeed, With(l, "units", "rpm"), *fan->rpm);
    }
    AddHealth(Family::kFanHealth, l, fan->status);
    Claim(claimed, fan->data_source_uri);
  }
}

void Walker::EmitPowerSupplies(const ChassisWork& cw, std::set<std::string>* claimed) {
  for (const auto& [link, ps] : cw.psu_list) {
    Labels l = {{"chassis", cw.c.id}, {"id", ps.id}};
    AddHealth(Family::kPsuHealth, l, ps.status);
    if (Absent(ps.status)) continue;
    AddOpt(Family::kPsuCapacityWatts, l, ps.capacity_watts);
    auto m = ReadChecked<PowerSupplyMetrics>(ps.metrics, ParsePowerSupplyMetrics);
    if (!m) continue;
    AddOpt(Family::kPsuInputWatts, l, m->input_watts.reading);
    AddOpt(Family::kPsuOutputWatts, l, m->output_watts.reading);
    AddOpt(Family::kPsuInputVoltage, l, m->input_voltage.reading);
    Claim(claimed, m->input_watts.data_source_uri);
    Claim(claimed, m->output_watts.data_source_uri);
    Claim(claimed, m->input_voltage.data_source_uri);
  }
}

void Walker::EmitEnvironment(const ChassisWork& cw, std::set<std::string>* claimed) {
  if (!cw.env || !cw.env->power_watts.reading) return;
  Add(Family::kPowerControlConsumed,
      {{"chassis", cw.c.id}, {"id", "EnvironmentMetrics"}, {"name", cw.c.name}},
      *cw.env->power_watts.reading);
  Claim(claimed, cw.env->power_watts.data_source_uri);
}

void Walker::EmitSensors(const ChassisWork& cw, const std::set<std::string>& claimed,
                         std::set<std::string>* in_sensors) {
  if (!cw.sensors) return;
  std::set<std::string> used;
  for (size_t i = 0; i < cw.sensors->members.size(); ++i) {
    const std::string& m = cw.sensors->members[i];
    in_sensors->insert(Normalize(m));
    if (claimed.count(Normalize(m)) != 0) continue;
    auto s = ReadChecked<Sensor>(m, ParseSensor);
    if (!s) continue;
    const std::string type =
        s->reading_type.empty() ? TypeOfUnits(s->reading_units) : s->reading_type;
    // Per domain: a thermal-only or power-only "new" decision still exports each sensor
    // once, from here; the legacy resource of the other domain was not read.
    const bool thermal = type == "Temperature" || type == "Rotational";
    if (thermal ? !cw.thermal_new : !cw.power_new) continue;
    const Labels l = {{"chassis", cw.c.id},
                      {"id", MemberId(&used, s->id, m, i, cw.c.sensors)},
                      {"name", s->name}};
    if (const TypedFamily* typed = FindTypedFamily(type)) {
      AddSensor(l, typed->family, typed->units, s->reading, type, s->status);
    } else {
      if (!Absent(s->status)) {
        AddOpt(Family::kSensorReading, With(With(l, "type", type), "units", s->reading_units),
               s->reading);
      }
      AddHealth(Family::kSensorHealth, With(l, "type", type), s->status);
    }
  }
}

void Walker::EmitThermalMetrics(const ChassisWork& cw, const std::set<std::string>& claimed,
                                const std::set<std::string>& in_sensors) {
  if (!cw.thermal_sub) return;
  auto tm = ReadChecked<ThermalMetrics>(cw.thermal_sub->thermal_metrics, ParseThermalMetrics);
  if (!tm) return;
  for (const auto& t : tm->temperatures) {
    const std::string uri = Normalize(t.excerpt.data_source_uri);
    if (!uri.empty() && (in_sensors.count(uri) != 0 || claimed.count(uri) != 0)) continue;
    if (!t.excerpt.reading) continue;
    const std::string id = uri.empty() ? t.name : LastSegment(uri);
    Add(Family::kTemperature,
        {{"chassis", cw.c.id}, {"id", id}, {"name", t.name}, {"units", "celsius"}},
        *t.excerpt.reading);
  }
}

}  // namespace hostmon::agent::redfish::walk
