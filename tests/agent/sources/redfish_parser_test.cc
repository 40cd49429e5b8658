// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_parser.h"

#include <catch2/catch.hpp>

#include "fakes/fixtures.h"

namespace hostmon::agent::redfish {
namespace {

using hostmon::testing::ReadFixture;

std::string Rack(const std::string& path) {
  return ReadFixture("redfish/public-rackmount1/redfish/v1/" + path + "/index.json");
}

bool HasProblem(const std::vector<std::string>& problems, const std::string& needle) {
  for (const auto& p : problems) {
    if (p.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("redfish HealthValue: 0 OK, 1 Warning, 2 Critical, 3 other, none when empty",
          "[redfish]") {
  CHECK(HealthValue("OK") == 0);
  CHECK(HealthValue("Warning") == 1);
  CHECK(HealthValue("Critical") == 2);
  CHECK(HealthValue("Degraded") == 3);
  CHECK_FALSE(HealthValue("").has_value());
}

TEST_CASE("redfish ServiceRoot: collection and session links", "[redfish]") {
  auto root = ParseServiceRoot(ReadFixture("redfish/public-rackmount1/redfish/v1/index.json"));
  REQUIRE(root.ok());
  CHECK(root->chassis == "/redfish/v1/Chassis");
  CHECK(root->systems == "/redfish/v1/Systems");
  CHECK(root->session_service == "/redfish/v1/SessionService");
  CHECK(root->sessions == "/redfish/v1/SessionService/Sessions");
  CHECK(root->problems.empty());
}

TEST_CASE("redfish Collection: members, no Members is an error", "[redfish]") {
  auto c = ParseCollection(Rack("Chassis/1U/Sensors"));
  REQUIRE(c.ok());
  CHECK(c->members.size() == 41);
  CHECK(c->members[0] == "/redfish/v1/Chassis/1U/Sensors/AmbientTemp");
  auto bad = ParseCollection(R"({"Name": "x"})");
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()).find("no Members") != std::string::npos);
  auto wrong = ParseCollection(R"({"Members": {"@odata.id": "/x"}})");
  REQUIRE(wrong.ok());
  CHECK(wrong->members.empty());
  CHECK(HasProblem(wrong->problems, "Members: expected an array"));
}

TEST_CASE("redfish Chassis: links to both schemas", "[redfish]") {
  auto c = ParseChassis(Rack("Chassis/1U"));
  REQUIRE(c.ok());
  CHECK(c->id == "1U");
  CHECK(c->status.health == "OK");
  CHECK(c->status.state == "Enabled");
  CHECK(c->thermal == "/redfish/v1/Chassis/1U/Thermal");
  CHECK(c->power == "/redfish/v1/Chassis/1U/Power");
  CHECK(c->thermal_subsystem == "/redfish/v1/Chassis/1U/ThermalSubsystem");
  CHECK(c->power_subsystem == "/redfish/v1/Chassis/1U/PowerSubsystem");
  CHECK(c->sensors == "/redfish/v1/Chassis/1U/Sensors");
  CHECK(c->environment_metrics == "/redfish/v1/Chassis/1U/EnvironmentMetrics");
}

TEST_CASE("redfish Thermal (legacy): temperatures and fans, golden", "[redfish]") {
  auto t = ParseThermal(Rack("Chassis/1U/Thermal"));
  REQUIRE(t.ok());
  REQUIRE(t->temperatures.size() == 3);
  CHECK(t->temperatures[0].id == "0");
  CHECK(t->temperatures[0].name == "CPU1 Temp");
  CHECK(t->temperatures[0].celsius == 41);
  CHECK(t->temperatures[0].status.health == "OK");
  // CPU2 is Disabled: no reading, no health.
  CHECK_FALSE(t->temperatures[1].celsius.has_value());
  CHECK(t->temperatures[1].status.state == "Disabled");
  CHECK(t->temperatures[1].status.health.empty());
  REQUIRE(t->fans.size() >= 2);
  CHECK(t->fans[0].name == "BaseBoard System Fan");
  CHECK(t->fans[0].reading == 2100);
  CHECK(t->fans[0].units == "rpm");
  CHECK(t->problems.empty());
}

TEST_CASE("redfish Power (legacy): PSUs, voltages, power control, golden", "[redfish]") {
  auto p = ParsePower(Rack("Chassis/1U/Power"));
  REQUIRE(p.ok());
  REQUIRE(p->power_control.size() == 1);
  CHECK(p->power_control[0].consumed_watts == 344);
  CHECK(p->power_control[0].capacity_watts == 800);
  CHECK(p->power_control[0].interval_minutes == 30);
  REQUIRE_FALSE(p->voltages.empty());
  CHECK(p->voltages[0].name == "VRM1 Voltage");
  CHECK(p->voltages[0].volts == 12);
  REQUIRE_FALSE(p->power_supplies.empty());
  CHECK(p->power_supplies[0].status.health == "Warning");
  CHECK(p->power_supplies[0].capacity_watts == 800);
  CHECK(p->power_supplies[0].input_voltage == 120);
  CHECK(p->problems.empty());
}

TEST_CASE("redfish new schema resources: fan, PSU + metrics, sensor, environment", "[redfish]") {
  auto fan = ParseFan(Rack("Chassis/1U/ThermalSubsystem/Fans/CPU1"));
  REQUIRE(fan.ok());
  CHECK(fan->percent == 45);
  CHECK(fan->rpm == 1490);
  CHECK(fan->data_source_uri == "/redfish/v1/Chassis/1U/Sensors/CPUFan1");

  std::vector<std::string> problems;
  auto ps = ParsePowerSupply(Rack("Chassis/1U/PowerSubsystem/PowerSupplies/Bay1"), &problems);
  REQUIRE(ps.ok());
  CHECK(ps->id == "Bay1");
  CHECK(ps->status.health == "Warning");
  CHECK(ps->capacity_watts == 400);
  CHECK(ps->metrics == "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1/Metrics");
  CHECK(problems.empty());

  auto m = ParsePowerSupplyMetrics(Rack("Chassis/1U/PowerSubsystem/PowerSupplies/Bay1/Metrics"));
  REQUIRE(m.ok());
  CHECK(m->input_watts.reading == Approx(937.4));
  CHECK(m->input_watts.data_source_uri == "/redfish/v1/Chassis/1U/Sensors/PS1InputPower");
  CHECK(m->input_voltage.reading == Approx(230.2));

  auto s = ParseSensor(Rack("Chassis/1U/Sensors/CPU1Temp"));
  REQUIRE(s.ok());
  CHECK(s->reading == 44);
  CHECK(s->reading_units == "Cel");
  CHECK(s->status.health == "Warning");

  auto e = ParseEnvironmentMetrics(Rack("Chassis/1U/EnvironmentMetrics"));
  REQUIRE(e.ok());
  CHECK(e->power_watts.reading == 374);
  CHECK(e->power_watts.data_source_uri == "/redfish/v1/Chassis/1U/Sensors/TotalPower");

  auto tm = ParseThermalMetrics(Rack("Chassis/1U/ThermalSubsystem/ThermalMetrics"));
  REQUIRE(tm.ok());
  REQUIRE(tm->temperatures.size() == 2);
  CHECK(tm->temperatures[0].name == "Intake");
  CHECK(tm->temperatures[0].excerpt.reading == Approx(24.8));
}

TEST_CASE("redfish DSP2046 examples: Sensor and Drive", "[redfish]") {
  auto s = ParseSensor(ReadFixture("redfish/DSP2046-examples/Sensor-v1-example.json"));
  REQUIRE(s.ok());
  CHECK_FALSE(s->id.empty());
  CHECK(s->reading.has_value());
  auto d = ParseDrive(ReadFixture("redfish/DSP2046-examples/Drive-v1-example.json"));
  REQUIRE(d.ok());
  CHECK(d->id == "3D58ECBC375FD9F2");
  CHECK(d->media_type == "HDD");
  CHECK(d->protocol == "SAS");
  CHECK(d->capacity_bytes == 899527000064.0);
  CHECK(d->failure_predicted == false);
  CHECK_FALSE(d->life_left_percent.has_value());
  CHECK(d->problems.empty());
}

TEST_CASE("redfish System and Storage: health, rollup, drives", "[redfish]") {
  auto sys = ParseSystem(Rack("Systems/437XR1138R2"));
  REQUIRE(sys.ok());
  CHECK(sys->status.health == "OK");
  CHECK(sys->status.health_rollup == "Warning");
  CHECK(sys->power_state == "On");
  CHECK(sys->memory_gib == 96);
  CHECK(sys->cpu_count == 2);
  CHECK(sys->hostname == "web483");
  auto st = ParseStorage(ReadFixture(
      "redfish/public-tower/redfish/v1/Systems/437XR1238R2/Storage/RAIDIntegrated/index.json"));
  REQUIRE(st.ok());
  CHECK(st->id == "RAIDIntegrated");
  CHECK(st->drives.size() == 8);
}

TEST_CASE("redfish SimpleStorage (older services): inline devices", "[redfish]") {
  auto ss = ParseSimpleStorage(Rack("Systems/437XR1138R2/SimpleStorage/1"));
  REQUIRE(ss.ok());
  CHECK(ss->id == "1");
  CHECK(ss->status.health_rollup == "Warning");
  REQUIRE(ss->devices.size() == 4);
  CHECK(ss->devices[1].name == "SATA Bay 2");
  CHECK(ss->devices[1].status.health == "Warning");
  CHECK(ss->devices[1].capacity_bytes == 4000000000000.0);
  CHECK(ss->devices[2].status.state == "Absent");
  auto sys = ParseSystem(Rack("Systems/437XR1138R2"));
  REQUIRE(sys.ok());
  CHECK(sys->simple_storage == "/redfish/v1/Systems/437XR1138R2/SimpleStorage");
  CHECK(sys->storage.empty());
}

TEST_CASE("redfish parsers: truncated JSON and garbage are clear errors", "[redfish]") {
  const std::string thermal = Rack("Chassis/1U/Thermal");
  auto t = ParseThermal(thermal.substr(0, thermal.size() / 2));
  REQUIRE_FALSE(t.ok());
  CHECK(std::string(t.status().message()).rfind("Thermal: not JSON", 0) == 0);
  for (const char* garbage : {"", "<html><body>Service Unavailable</body></html>", "\x01\x02\xff",
                              "{\"Members\": [ {{{ not json"}) {
    auto c = ParseCollection(garbage);
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == absl::StatusCode::kInvalidArgument);
  }
  auto arr = ParseSensor("[1, 2, 3]");
  REQUIRE_FALSE(arr.ok());
  CHECK(std::string(arr.status().message()) == "Sensor: expected a JSON object, got array");
}

TEST_CASE("redfish parsers: missing fields leave values empty", "[redfish]") {
  auto s = ParseSensor("{}");
  REQUIRE(s.ok());
  CHECK_FALSE(s->reading.has_value());
  CHECK(s->status.health.empty());
  CHECK(s->problems.empty());
  auto t = ParseThermal(R"({"Temperatures": [{"Name": "x"}]})");
  REQUIRE(t.ok());
  REQUIRE(t->temperatures.size() == 1);
  CHECK_FALSE(t->temperatures[0].celsius.has_value());
  CHECK(t->fans.empty());
  auto d = ParseDrive(R"({"Status": {}})");
  REQUIRE(d.ok());
  CHECK_FALSE(d->capacity_bytes.has_value());
  CHECK_FALSE(d->failure_predicted.has_value());
}

TEST_CASE("redfish parsers: null readings are absent, strings where numbers belong are problems",
          "[redfish]") {
  auto null_reading = ParseSensor(R"({"Id": "T1", "Reading": null, "ReadingUnits": "Cel"})");
  REQUIRE(null_reading.ok());
  CHECK_FALSE(null_reading->reading.has_value());
  CHECK(null_reading->problems.empty());

  auto string_reading = ParseSensor(R"({"Id": "T1", "Reading": "44", "ReadingUnits": "Cel"})");
  REQUIRE(string_reading.ok());
  CHECK_FALSE(string_reading->reading.has_value());
  CHECK(HasProblem(string_reading->problems, "Reading: expected a number, got \"44\""));

  auto t = ParseThermal(
      R"({"Temperatures": [{"MemberId": "0", "ReadingCelsius": "hot"}, {"MemberId": "1",
          "ReadingCelsius": 30}], "Fans": "none"})");
  REQUIRE(t.ok());
  REQUIRE(t->temperatures.size() == 2);
  CHECK_FALSE(t->temperatures[0].celsius.has_value());
  CHECK(t->temperatures[1].celsius == 30);
  CHECK(HasProblem(t->problems, "Temperatures[0].ReadingCelsius: expected a number"));
  CHECK(HasProblem(t->problems, "Fans: expected an array"));

  auto d = ParseDrive(R"({"CapacityBytes": true, "FailurePredicted": "no",
                          "PredictedMediaLifeLeftPercent": 87.5, "Status": "OK"})");
  REQUIRE(d.ok());
  CHECK_FALSE(d->capacity_bytes.has_value());
  CHECK_FALSE(d->failure_predicted.has_value());
  CHECK(d->life_left_percent == 87.5);
  CHECK(HasProblem(d->problems, "CapacityBytes: expected a number"));
  CHECK(HasProblem(d->problems, "FailurePredicted: expected a boolean"));
  CHECK(HasProblem(d->problems, "Status: expected an object"));
}

}  // namespace
}  // namespace hostmon::agent::redfish
