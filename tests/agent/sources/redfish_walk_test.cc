// SPDX-License-Identifier: Apache-2.0
//
// The walk over the DMTF mockups, served from disk by a fake Fetcher (no network): schema
// preference per chassis, no double counting, drives, failing and garbage resources.
#include "agent/sources/redfish/redfish_walk.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hostmon::agent::redfish {
namespace {

// Serves tests/fixtures/redfish/<mockup>/<path>/index.json; `overrides` replace a path's body,
// `failures` make a path fail. Records every path asked for.
class MockupFetcher : public Fetcher {
 public:
  explicit MockupFetcher(std::string mockup)
      : root_(std::string(HOSTMON_FIXTURE_DIR) + "/redfish/" + mockup) {}

  std::vector<absl::StatusOr<std::string>> GetAll(const std::vector<std::string>& paths) override {
    std::vector<absl::StatusOr<std::string>> out;
    for (const auto& p : paths) {
      requested.push_back(p);
      if (auto it = failures.find(p); it != failures.end()) {
        out.push_back(it->second);
        continue;
      }
      if (auto it = overrides.find(p); it != overrides.end()) {
        out.push_back(it->second);
        continue;
      }
      std::string path = p;
      while (path.size() > 1 && path.back() == '/') path.pop_back();
      std::ifstream in(root_ + path + "/index.json", std::ios::binary);
      if (!in.good()) {
        out.push_back(absl::UnavailableError(absl::StrCat(p, ": HTTP status 404")));
        continue;
      }
      std::ostringstream text;
      text << in.rdbuf();
      out.push_back(text.str());
    }
    return out;
  }

  ServiceRoot Root() {
    auto r = GetAll({"/redfish/v1/"});
    REQUIRE(r[0].ok());
    auto root = ParseServiceRoot(*r[0]);
    REQUIRE(root.ok());
    requested.clear();
    return *root;
  }

  std::map<std::string, std::string> overrides;
  std::map<std::string, absl::Status> failures;
  std::vector<std::string> requested;

 private:
  std::string root_;
};

// name{k="v",...} -> value, families by suffix.
std::map<std::string, double> Series(const WalkResult& r) {
  std::map<std::string, double> out;
  for (const auto& s : r.samples) {
    std::string key = Info(s.family).suffix;
    key += "{";
    for (size_t i = 0; i < s.labels.size(); ++i) {
      if (i > 0) key += ",";
      absl::StrAppend(&key, s.labels[i].first, "=\"", s.labels[i].second, "\"");
    }
    key += "}";
    INFO("duplicate series " << key);
    CHECK(out.count(key) == 0);
    out[key] = s.value;
  }
  return out;
}

size_t CountFamily(const WalkResult& r, Family f) {
  size_t n = 0;
  for (const auto& s : r.samples) n += s.family == f ? 1 : 0;
  return n;
}

// Every (family, chassis, id) of the reading families appears once: one physical sensor is
// never exported twice, by two schemas or two resources.
void CheckNoDoubleCounting(const WalkResult& r) {
  std::set<std::string> seen;
  for (const auto& s : r.samples) {
    if (s.family != Family::kTemperature && s.family != Family::kVoltage &&
        s.family != Family::kSensorPower && s.family != Family::kSensorCurrent) {
      continue;
    }
    // Legacy MemberIds restart at "0" in each array; the name tells those sensors apart.
    std::string chassis, id, name;
    for (const auto& [k, v] : s.labels) {
      if (k == "chassis") chassis = v;
      if (k == "id") id = v;
      if (k == "name") name = v;
    }
    INFO("sensor exported twice: " << chassis << "/" << id << "/" << name);
    CHECK(seen.insert(chassis + "/" + id + "/" + name).second);
  }
}

bool Requested(const MockupFetcher& f, const std::string& suffix) {
  for (const auto& p : f.requested) {
    if (absl::EndsWith(p, suffix)) return true;
  }
  return false;
}

TEST_CASE("redfish walk, both schemas (public-rackmount1): the new one, each sensor once",
          "[redfish]") {
  MockupFetcher f("public-rackmount1");
  WalkResult r = Walk(f, f.Root());
  CHECK(r.collections_ok);
  CHECK(r.errors.empty());
  auto s = Series(r);
  CHECK(s.at(R"(chassis_schema_info{chassis="1U",thermal="new",power="new"})") == 1);
  // The legacy resources are not even read.
  CHECK_FALSE(Requested(f, "/Chassis/1U/Thermal"));
  CHECK_FALSE(Requested(f, "/Chassis/1U/Power"));
  // CPU1 reads 44 °C / Warning in Sensors (the legacy Thermal says 41 / OK): the new one wins.
  CHECK(
      s.at(
          R"(sensors_temperature{chassis="1U",id="CPU1Temp",name="CPU #1 Temperature",units="celsius"})") ==
      44);
  CHECK(
      s.at(
          R"(sensors_health{chassis="1U",id="CPU1Temp",name="CPU #1 Temperature",type="Temperature",status="Warning",state="Enabled"})") ==
      1);
  for (const auto& [key, value] : s) {
    INFO(key);
    CHECK_FALSE(absl::StrContains(key, "id=\"0\""));  // legacy MemberIds
  }
  // Fans: from ThermalSubsystem/Fans, their sensors (CPUFan1, FanBay1) not again.
  CHECK(s.at(R"(sensors_fan_speed{chassis="1U",id="CPU1",name="Fan for CPU 1",units="rpm"})") ==
        1490);
  CHECK(s.at(R"(sensors_fan_speed{chassis="1U",id="CPU1",name="Fan for CPU 1",units="percent"})") ==
        45);
  CHECK(CountFamily(r, Family::kFanSpeed) == 8);
  // PSU metrics claim PS1InputPower/PS1InputVoltage; EnvironmentMetrics claims TotalPower.
  CHECK(s.at(R"(power_supply_input_watts{chassis="1U",id="Bay1"})") == Approx(937.4));
  CHECK(s.at(R"(power_supply_health{chassis="1U",id="Bay1",status="Warning",state="Enabled"})") ==
        1);
  CHECK(
      s.at(
          R"(power_control_consumed_watts{chassis="1U",id="EnvironmentMetrics",name="Computer System Chassis"})") ==
      374);
  CHECK(CountFamily(r, Family::kSensorPower) == 0);
  for (const auto& [key, value] : s) {
    INFO(key);
    CHECK_FALSE(absl::StrContains(key, "PS1InputPower"));
    CHECK_FALSE(absl::StrContains(key, "TotalPower"));
    CHECK_FALSE(absl::StrContains(key, "CPUFan1"));
    // ThermalMetrics' Intake/Exhaust readings are Sensors IntakeTemp/ExhaustTemp: once.
    CHECK_FALSE(absl::StrContains(key, "id=\"Intake\""));
  }
  CHECK(
      s.count(
          R"(sensors_temperature{chassis="1U",id="IntakeTemp",name="Front Panel Intake Temperature",units="celsius"})") ==
      1);
  CheckNoDoubleCounting(r);
  CHECK(s.at(R"(chassis_health{chassis="1U",status="OK",state="Enabled"})") == 0);
  CHECK(s.at(R"(system_health_rollup{system="437XR1138R2",status="Warning"})") == 1);
  CHECK(s.at(R"(system_power_on{system="437XR1138R2"})") == 1);
  CHECK(s.at(R"(system_memory_size_bytes{system="437XR1138R2"})") == 96.0 * 1073741824);
}

TEST_CASE("redfish walk, new schema only (public-liquid-cooled-server)", "[redfish]") {
  MockupFetcher f("public-liquid-cooled-server");
  WalkResult r = Walk(f, f.Root());
  CHECK(r.collections_ok);
  CHECK(r.errors.empty());
  auto s = Series(r);
  CHECK(s.at(R"(chassis_schema_info{chassis="1U",thermal="new",power="new"})") == 1);
  CHECK(CountFamily(r, Family::kTemperature) > 3);
  CHECK(CountFamily(r, Family::kFanSpeed) > 0);
  CHECK(s.at(R"(power_supply_health{chassis="1U",id="Bay1",status="Warning",state="Enabled"})") ==
        1);
  CheckNoDoubleCounting(r);
}

TEST_CASE("redfish walk, legacy schema only (rackmount1 without the new links)", "[redfish]") {
  MockupFetcher f("legacy-only");
  WalkResult r = Walk(f, f.Root());
  CHECK(r.collections_ok);
  CHECK(r.errors.empty());
  auto s = Series(r);
  CHECK(s.at(R"(chassis_schema_info{chassis="1U",thermal="legacy",power="legacy"})") == 1);
  CHECK(s.at(R"(sensors_temperature{chassis="1U",id="0",name="CPU1 Temp",units="celsius"})") == 41);
  CHECK(s.at(R"(sensors_fan_speed{chassis="1U",id="0",name="BaseBoard System Fan",units="rpm"})") ==
        2100);
  CHECK(
      s.at(
          R"(sensors_fan_health{chassis="1U",id="0",name="BaseBoard System Fan",status="OK",state="Enabled"})") ==
      0);
  CHECK(s.at(R"(sensors_voltage{chassis="1U",id="0",name="VRM1 Voltage",units="volts"})") == 12);
  CHECK(s.at(R"(power_control_consumed_watts{chassis="1U",id="0",name="System Input Power"})") ==
        344);
  CHECK(s.at(R"(power_supply_health{chassis="1U",id="0",status="Warning",state="Enabled"})") == 1);
  // Disabled CPU2: no reading, no health sample.
  for (const auto& [key, value] : s) {
    INFO(key);
    CHECK_FALSE(absl::StrContains(key, "CPU2 Temp"));
  }
  CheckNoDoubleCounting(r);
}

TEST_CASE("redfish walk: legacy PSUs without MemberId are told apart, an absent one exports state",
          "[redfish]") {
  MockupFetcher f("legacy-psus");
  WalkResult r = Walk(f, f.Root());
  CHECK(r.collections_ok);
  CHECK(r.errors.empty());
  CHECK(r.collisions.empty());  // a missing MemberId is a fallback, not a collision
  auto s = Series(r);
  CHECK(s.at(R"(chassis_schema_info{chassis="Tower",thermal="legacy",power="legacy"})") == 1);
  // Both PSUs are visible, each with its own line voltage: the @odata.id fragment
  // ".../Power#/PowerSupplies/1" names the member.
  CHECK(s.at(R"(power_supply_input_voltage{chassis="Tower",id="0"})") == 120);
  CHECK(s.at(R"(power_supply_input_voltage{chassis="Tower",id="1"})") == 230);
  CHECK(s.at(R"(power_supply_health{chassis="Tower",id="0",status="Warning",state="Enabled"})") ==
        1);
  CHECK(s.at(R"(power_supply_health{chassis="Tower",id="1",status="OK",state="Enabled"})") == 0);
  // The empty bay: its state, none of the readings it still reports.
  CHECK(s.at(R"(power_supply_health{chassis="Tower",id="2",status="OK",state="Absent"})") == 0);
  for (const auto& [key, value] : s) {
    INFO(key);
    if (absl::StartsWith(key, "power_supply_health")) continue;
    CHECK_FALSE(absl::StrContains(key, "id=\"2\"}"));
  }
  CHECK(CountFamily(r, Family::kPsuInputVoltage) == 2);
  CHECK(CountFamily(r, Family::kPsuCapacityWatts) == 2);
  CHECK(CountFamily(r, Family::kPsuOutputWatts) == 2);
  CHECK(CountFamily(r, Family::kPsuInputWatts) == 0);
}

TEST_CASE("redfish walk: members repeating an id are exported apart, logged as collisions",
          "[redfish]") {
  MockupFetcher f("legacy-psus");
  // Copy-pasted MemberIds: all three PSUs say "PSU", two voltages say "0"; a member without
  // MemberId and without @odata.id gets its index.
  f.overrides["/redfish/v1/Chassis/Tower/Power"] = R"({
      "PowerSupplies": [
        {"@odata.id": "/redfish/v1/Chassis/Tower/Power#/PowerSupplies/0", "MemberId": "PSU",
         "Status": {"State": "Enabled", "Health": "OK"}, "LineInputVoltage": 120},
        {"@odata.id": "/redfish/v1/Chassis/Tower/Power#/PowerSupplies/1", "MemberId": "PSU",
         "Status": {"State": "Enabled", "Health": "OK"}, "LineInputVoltage": 230},
        {"MemberId": "PSU", "Status": {"State": "Enabled", "Health": "OK"},
         "LineInputVoltage": 240},
        {"Status": {"State": "Enabled", "Health": "OK"}, "LineInputVoltage": 110}
      ],
      "Voltages": [
        {"MemberId": "0", "Name": "VRM1", "ReadingVolts": 12,
         "Status": {"State": "Enabled", "Health": "OK"}},
        {"MemberId": "0", "Name": "VRM2", "ReadingVolts": 5,
         "Status": {"State": "Absent", "Health": "OK"}}
      ]})";
  WalkResult r = Walk(f, f.Root());
  CHECK(r.errors.empty());
  auto s = Series(r);  // fails on any duplicate series
  CHECK(s.at(R"(power_supply_input_voltage{chassis="Tower",id="PSU"})") == 120);
  CHECK(s.at(R"(power_supply_input_voltage{chassis="Tower",id="1"})") == 230);
  CHECK(s.at(R"(power_supply_input_voltage{chassis="Tower",id="2"})") == 240);
  // Its index "3" is free: no collision.
  CHECK(s.at(R"(power_supply_input_voltage{chassis="Tower",id="3"})") == 110);
  CHECK(s.at(R"(sensors_voltage{chassis="Tower",id="0",name="VRM1",units="volts"})") == 12);
  // The absent VRM2 (index 1): health with its state, no reading.
  CHECK(
      s.at(
          R"(sensors_health{chassis="Tower",id="1",name="VRM2",type="Voltage",status="OK",state="Absent"})") ==
      0);
  CHECK(CountFamily(r, Family::kVoltage) == 1);
  // In walk order: the Voltages array comes before PowerSupplies.
  REQUIRE(r.collisions.size() == 3);
  CHECK(r.collisions[0] ==
        "/redfish/v1/Chassis/Tower/Power#/Voltages: member [1] repeats id \"0\", exported as id "
        "\"1\"");
  CHECK(r.collisions[1] ==
        "/redfish/v1/Chassis/Tower/Power#/PowerSupplies: member "
        "/redfish/v1/Chassis/Tower/Power#/PowerSupplies/1 repeats id \"PSU\", exported as id "
        "\"1\"");
  CHECK(r.collisions[2] ==
        "/redfish/v1/Chassis/Tower/Power#/PowerSupplies: member [2] repeats id \"PSU\", "
        "exported as id \"2\"");
}

TEST_CASE("redfish walk, drives through Systems/*/Storage (public-tower)", "[redfish]") {
  MockupFetcher f("public-tower");
  // One drive reports wear and a predicted failure (the mockups have none).
  f.overrides["/redfish/v1/Chassis/Tower/Drives/Disk-2-0"] = R"({
      "Id": "Disk-2-0", "Name": "NVMe 0", "MediaType": "SSD", "Protocol": "NVMe",
      "Status": {"State": "Enabled", "Health": "Critical"}, "CapacityBytes": 1000,
      "PredictedMediaLifeLeftPercent": 3, "FailurePredicted": true})";
  WalkResult r = Walk(f, f.Root());
  CHECK(r.errors.empty());
  auto s = Series(r);
  // 4 SAS + 4 NVMe + 2 M.2 present, each once even if two Storage resources list it; the 8
  // bays with "State": "Absent" (Disk-1-4..7, Disk-2-4..7) are empty, not drives.
  CHECK(CountFamily(r, Family::kDriveInfo) == 10);
  CHECK(CountFamily(r, Family::kDriveHealth) == 10);
  for (const auto& [key, value] : s) CHECK_FALSE(absl::StrContains(key, "Disk-1-4"));
  CHECK(
      s.at(
          R"(storage_drive_health{system="437XR1238R2",id="Disk-1-0",storage_id="RAIDIntegrated",status="OK",state="Enabled"})") ==
      0);
  CHECK(
      s.at(
          R"(storage_drive_info{system="437XR1238R2",id="Disk-1-0",storage_id="RAIDIntegrated",manufacturer="Contoso",mediatype="HDD",model="SAS 18000",name="",protocol="SAS",serial="",slot=""})") ==
      1);
  CHECK(
      s.at(
          R"(storage_drive_capacity_bytes{system="437XR1238R2",id="Disk-1-0",storage_id="RAIDIntegrated"})") ==
      20266198323167230.0);
  CHECK(
      s.at(
          R"(storage_drive_health{system="437XR1238R2",id="Disk-2-0",storage_id="NVMeSecondary",status="Critical",state="Enabled"})") ==
      2);
  CHECK(
      s.at(
          R"(storage_drive_life_left_percent{system="437XR1238R2",id="Disk-2-0",storage_id="NVMeSecondary"})") ==
      3);
  CHECK(
      s.at(
          R"(storage_drive_failure_predicted{system="437XR1238R2",id="Disk-2-0",storage_id="NVMeSecondary"})") ==
      1);
  CHECK(
      s.at(
          R"(storage_health{system="437XR1238R2",id="RAIDIntegrated",status="OK",state="Enabled"})") ==
      0);
  // The mockup's PowerSupplies/Bay2 says "Id": "Bay1": the URI keeps the two apart.
  CHECK(s.count(R"(power_supply_capacity_watts{chassis="Tower",id="Bay1"})") == 1);
  CHECK(s.count(R"(power_supply_capacity_watts{chassis="Tower",id="Bay2"})") == 1);
  // ... and the repeat is reported.
  REQUIRE(r.collisions.size() == 1);
  CHECK(absl::StrContains(r.collisions[0], "PowerSupplies/Bay2 repeats id \"Bay1\""));
}

TEST_CASE("redfish walk, SimpleStorage when a system links no Storage (public-rackmount1)",
          "[redfish]") {
  MockupFetcher f("public-rackmount1");
  WalkResult r = Walk(f, f.Root());
  auto s = Series(r);
  CHECK(s.at(R"(storage_health{system="437XR1138R2",id="1",status="OK",state="Enabled"})") == 0);
  CHECK(
      s.at(
          R"(storage_drive_health{system="437XR1138R2",id="SATA Bay 2",storage_id="1",status="Warning",state="Enabled"})") ==
      1);
  CHECK(
      s.at(
          R"(storage_drive_capacity_bytes{system="437XR1138R2",id="SATA Bay 1",storage_id="1"})") ==
      8000000000000.0);
  // Bays 3 and 4 are Absent: empty bays, not drives.
  CHECK(CountFamily(r, Family::kDriveInfo) == 2);
  CHECK(CountFamily(r, Family::kDriveHealth) == 2);
}

TEST_CASE("redfish walk: a failing resource is an error, the rest is still collected",
          "[redfish]") {
  MockupFetcher f("public-rackmount1");
  f.failures["/redfish/v1/Chassis/1U/Sensors/CPU1Temp"] =
      absl::UnavailableError("/redfish/v1/Chassis/1U/Sensors/CPU1Temp: HTTP status 500");
  WalkResult r = Walk(f, f.Root());
  CHECK(r.collections_ok);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0] == "/redfish/v1/Chassis/1U/Sensors/CPU1Temp: HTTP status 500");
  auto s = Series(r);
  CHECK(
      s.count(
          R"(sensors_temperature{chassis="1U",id="AmbientTemp",name="Ambient Temperature",units="celsius"})") ==
      1);
  for (const auto& [key, value] : s) CHECK_FALSE(absl::StrContains(key, "CPU1Temp"));
}

TEST_CASE("redfish walk: garbage JSON in a resource is a clear error, no crash", "[redfish]") {
  MockupFetcher f("public-rackmount1");
  f.overrides["/redfish/v1/Chassis/1U/ThermalSubsystem"] = "{\"Fans\": [ {{{ not json";
  f.overrides["/redfish/v1/Systems"] = "\xff\xfe garbage";
  WalkResult r = Walk(f, f.Root());
  CHECK_FALSE(r.collections_ok);  // the Systems collection is unreadable
  REQUIRE(r.errors.size() == 2);
  CHECK(absl::StartsWith(r.errors[0], "/redfish/v1/Systems: Collection: not JSON: "));
  CHECK(absl::StartsWith(r.errors[1],
                         "/redfish/v1/Chassis/1U/ThermalSubsystem: Subsystem: not JSON"));
  // Sensors still give temperatures; fans are gone with their subsystem.
  CHECK(CountFamily(r, Family::kTemperature) > 0);
}

TEST_CASE("redfish walk: unreadable Chassis collection means the target is not up", "[redfish]") {
  MockupFetcher f("public-rackmount1");
  f.failures["/redfish/v1/Chassis"] = absl::DeadlineExceededError("/redfish/v1/Chassis: timed out");
  WalkResult r = Walk(f, f.Root());
  CHECK_FALSE(r.collections_ok);
  CHECK(r.errors == std::vector<std::string>{"/redfish/v1/Chassis: timed out"});
  CHECK(CountFamily(r, Family::kSystemHealth) == 1);
}

// CPU cost of parsing and walking one collection of public-rackmount1 (files read from disk by
// the fetcher, so this is an upper bound of the agent's own work). Prints, never asserts.
TEST_CASE("redfish walk cost, public-rackmount1 from disk", "[.bench][redfish]") {
  MockupFetcher f("public-rackmount1");
  const ServiceRoot root = f.Root();
  constexpr int kRuns = 50;
  size_t samples = 0;
  const absl::Time t0 = absl::Now();
  for (int i = 0; i < kRuns; ++i) samples = Walk(f, root).samples.size();
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - t0) / kRuns;
  std::printf(
      "redfish walk of public-rackmount1: %.3f ms per collection (%zu samples, %zu "
      "resources, read from disk)\n",
      ms, samples, f.requested.size() / kRuns);
}

}  // namespace
}  // namespace hostmon::agent::redfish
