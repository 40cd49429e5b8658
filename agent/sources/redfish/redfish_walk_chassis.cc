// SPDX-License-Identifier: Apache-2.0
//
// Chassis (Chassis.v1_28_0): identity and health, which schema its thermal and power readings
// are read from (redfish_walk.h), and the legacy Thermal.v1_7_3 and Power.v1_7_3 resources.
#include "agent/sources/redfish/redfish_walk_internal.h"

namespace hostmon::agent::redfish::walk {

std::vector<ChassisWork> Walker::ReadChassis(const std::optional<Collection>& members) {
  std::vector<ChassisWork> chassis;
  if (!members) return chassis;
  for (const auto& m : members->members) {
    auto c = ReadChecked<Chassis>(m, ParseChassis);
    if (!c) continue;
    ChassisWork cw;
    cw.link = m;
    cw.c = std::move(*c);
    if (cw.c.id.empty()) cw.c.id = LastSegment(m);
    cw.thermal_new = !cw.c.thermal_subsystem.empty() || !cw.c.sensors.empty();
    cw.power_new = !cw.c.power_subsystem.empty() || !cw.c.sensors.empty();
    chassis.push_back(std::move(cw));
  }
  return chassis;
}

void Walker::WantChassisResources(const ChassisWork& cw) {
  if (cw.thermal_new) {
    Want(cw.c.thermal_subsystem);
  } else {
    Want(cw.c.thermal);
  }
  if (cw.power_new) {
    Want(cw.c.power_subsystem);
    Want(cw.c.environment_metrics);
  } else {
    Want(cw.c.power);
  }
  if (cw.thermal_new || cw.power_new) Want(cw.c.sensors);
}

void Walker::EmitChassis(const ChassisWork& cw) {
  AddHealth(Family::kChassisHealth, {{"chassis", cw.c.id}}, cw.c.status);
  if (auto v = HealthValue(cw.c.status.health_rollup)) {
    Add(Family::kChassisHealthRollup, {{"chassis", cw.c.id}, {"status", cw.c.status.health_rollup}},
        *v);
  }
  Add(Family::kChassisSchemaInfo,
      {{"chassis", cw.c.id},
       {"thermal", cw.thermal_new ? "new" : (cw.c.thermal.empty() ? "none" : "legacy")},
       {"power", cw.power_new ? "new" : (cw.c.power.empty() ? "none" : "legacy")}},
      1);
}

void Walker::EmitLegacyThermal(const ChassisWork& cw) {
  if (cw.thermal_new || cw.c.thermal.empty()) return;
  auto t = ReadChecked<Thermal>(cw.c.thermal, ParseThermal);
  if (!t) return;
  const std::string temps = absl::StrCat(cw.c.thermal, "#/Temperatures");
  std::set<std::string> used;
  for (size_t i = 0; i < t->temperatures.size(); ++i) {
    const LegacyTemperature& temp = t->temperatures[i];
    AddSensor({{"chassis", cw.c.id},
               {"id", MemberId(&used, temp.id, temp.uri, i, temps)},
               {"name", temp.name}},
              Family::kTemperature, "celsius", temp.celsius, "Temperature", temp.status);
  }
  const std::string fans = absl::StrCat(cw.c.thermal, "#/Fans");
  used.clear();
  for (size_t i = 0; i < t->fans.size(); ++i) {
    const LegacyFan& fan = t->fans[i];
    Labels l = {{"chassis", cw.c.id},
                {"id", MemberId(&used, fan.id, fan.uri, i, fans)},
                {"name", fan.name}};
    if (!Absent(fan.status)) AddOpt(Family::kFanSpeed, With(l, "units", fan.units), fan.reading);
    AddHealth(Family::kFanHealth, l, fan.status);
  }
}

void Walker::EmitLegacyPower(const ChassisWork& cw) {
  if (cw.power_new || cw.c.power.empty()) return;
  auto p = ReadChecked<Power>(cw.c.power, ParsePower);
  if (!p) return;
  // Each array is its own scope: MemberIds restart at "0" in each (the name tells the sensors
  // of PowerControl and Voltages apart; they are different families anyway).
  std::set<std::string> used;
  const std::string controls = absl::StrCat(cw.c.power, "#/PowerControl");
  for (size_t i = 0; i < p->power_control.size(); ++i) {
    const LegacyPowerControl& pc = p->power_control[i];
    Labels l = {{"chassis", cw.c.id},
                {"id", MemberId(&used, pc.id, pc.uri, i, controls)},
                {"name", pc.name}};
    AddOpt(Family::kPowerControlConsumed, l, pc.consumed_watts);
    AddOpt(Family::kPowerControlCapacity, l, pc.capacity_watts);
    AddOpt(Family::kPowerControlMin, l, pc.min_consumed_watts);
    AddOpt(Family::kPowerControlMax, l, pc.max_consumed_watts);
    AddOpt(Family::kPowerControlAvg, l, pc.avg_consumed_watts);
    AddOpt(Family::kPowerControlInterval, l, pc.interval_minutes);
  }
  used.clear();
  const std::string voltages = absl::StrCat(cw.c.power, "#/Voltages");
  for (size_t i = 0; i < p->voltages.size(); ++i) {
    const LegacyVoltage& v = p->voltages[i];
    AddSensor(
        {{"chassis", cw.c.id}, {"id", MemberId(&used, v.id, v.uri, i, voltages)}, {"name", v.name}},
        Family::kVoltage, "volts", v.volts, "Voltage", v.status);
  }
  used.clear();
  const std::string psus = absl::StrCat(cw.c.power, "#/PowerSupplies");
  for (size_t i = 0; i < p->power_supplies.size(); ++i) {
    const PowerSupply& ps = p->power_supplies[i];
    Labels l = {{"chassis", cw.c.id}, {"id", MemberId(&used, ps.id, ps.uri, i, psus)}};
    AddHealth(Family::kPsuHealth, l, ps.status);
    if (Absent(ps.status)) continue;
    AddOpt(Family::kPsuInputWatts, l, ps.input_watts);
    AddOpt(Family::kPsuOutputWatts, l, ps.output_watts);
    AddOpt(Family::kPsuCapacityWatts, l, ps.capacity_watts);
    AddOpt(Family::kPsuInputVoltage, l, ps.input_voltage);
    AddOpt(Family::kPsuEfficiency, l, ps.efficiency_percent);
  }
}

}  // namespace hostmon::agent::redfish::walk
