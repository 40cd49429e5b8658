// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the Redfish JSON parsers (agent/sources/redfish/redfish_parser.h): every
// resource a BMC returns goes through one of them, and a BMC is a peer we do not control. Table-
// driven like fuzz_proc_parsers: the first byte picks the parser, each seeded with the fixture
// resources of its type (tests/fixtures/redfish, DMTF mockups and DSP2046 examples).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/sources/redfish/redfish_parser.h"
#include "tests/fuzz/fuzz_common.h"

namespace hostmon::agent::redfish {
namespace {

using fuzz::SeedSpec;

struct Entry {
  const char* name;
  SeedSpec seeds;
  std::function<void(absl::string_view)> parse;
};

// A mockup path below every service root of the fixtures.
std::string V1(const std::string& path) { return "tests/fixtures/redfish/*/redfish/v1/" + path; }

template <typename Parser>
std::function<void(absl::string_view)> Call(Parser parser) {
  return [parser](absl::string_view in) { (void)parser(in); };
}

const std::vector<Entry>& Table() {
  static const auto* table = new std::vector<Entry>{
      {"service_root", {"", {V1("index.json")}}, Call(ParseServiceRoot)},
      {"collection",
       {"",
        {V1("{Chassis,Systems}/index.json"), V1("Chassis/*/Sensors/index.json"),
         V1("Chassis/*/*/{Fans,PowerSupplies}/index.json")}},
       Call(ParseCollection)},
      {"session_service",
       {"", {V1("SessionService/index.json")}},
       Call(ParseSessionServiceSessions)},
      {"chassis", {"", {V1("Chassis/*/index.json")}}, Call(ParseChassis)},
      {"thermal", {"", {V1("Chassis/*/Thermal/index.json")}}, Call(ParseThermal)},
      {"power", {"", {V1("Chassis/*/Power/index.json")}}, Call(ParsePower)},
      {"subsystem",
       {"", {V1("Chassis/*/{Thermal,Power}Subsystem/index.json")}},
       Call(ParseSubsystem)},
      {"fan", {"", {V1("Chassis/*/ThermalSubsystem/Fans/*/index.json")}}, Call(ParseFan)},
      {"thermal_metrics",
       {"", {V1("Chassis/*/ThermalSubsystem/ThermalMetrics/index.json")}},
       Call(ParseThermalMetrics)},
      {"power_supply",
       {"", {V1("Chassis/*/PowerSubsystem/PowerSupplies/*/index.json")}},
       [](absl::string_view in) {
         std::vector<std::string> problems;
         (void)ParsePowerSupply(in, &problems);
       }},
      {"power_supply_metrics",
       {"", {V1("Chassis/*/PowerSubsystem/PowerSupplies/*/Metrics/index.json")}},
       Call(ParsePowerSupplyMetrics)},
      {"sensor",
       {"",
        {V1("Chassis/*/Sensors/*/index.json"),
         "tests/fixtures/redfish/DSP2046-examples/Sensor-v1-example.json"}},
       Call(ParseSensor)},
      {"environment_metrics",
       {"", {V1("Chassis/*/EnvironmentMetrics/index.json")}},
       Call(ParseEnvironmentMetrics)},
      {"system", {"", {V1("Systems/*/index.json")}}, Call(ParseSystem)},
      {"simple_storage",
       {"", {V1("Systems/*/SimpleStorage/*/index.json")}},
       Call(ParseSimpleStorage)},
      {"storage", {"", {V1("Systems/*/Storage/*/index.json")}}, Call(ParseStorage)},
      {"drive",
       {"",
        {V1("Chassis/*/Drives/Disk-1-0/index.json"), V1("Chassis/*/Drives/M.2-1/index.json"),
         "tests/fixtures/redfish/DSP2046-examples/Drive-v1-example.json"}},
       Call(ParseDrive)},
      {"health",
       {"", {}, false, {"OK", "Warning", "Critical", ""}},
       [](absl::string_view in) { (void)HealthValue(in); }},
  };
  return *table;
}

}  // namespace
}  // namespace hostmon::agent::redfish

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hostmon::fuzz::Initialize(hostmon::fuzz::TableSeeds(hostmon::agent::redfish::Table()));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* e = hostmon::fuzz::PickEntry(hostmon::agent::redfish::Table(), data, size);
  if (e != nullptr) e->parse(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
