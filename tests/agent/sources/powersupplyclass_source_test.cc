// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/powersupplyclass/powersupplyclass_source.h"

#include <catch2/catch.hpp>

#include "common/fs_root.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("powersupplyclass over the fixture tree", "[agent][powersupplyclass]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakePowerSupplyClassSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  CHECK(s.size() == 50);
  CHECK(s.at("node_power_supply_online{power_supply=\"AC\"}") == 1);
  CHECK(s.at("node_power_supply_info{power_supply=\"AC\",type=\"Mains\"}") == 1);
  CHECK(s.at("node_power_supply_voltage_volt{power_supply=\"BAT0\"}") == 12.014);
  CHECK(s.at("node_power_supply_current_ampere{power_supply=\"BAT0\"}") == 1.402);
  CHECK(s.at("node_power_supply_power_watt{power_supply=\"BAT0\"}") == 16.844);
  CHECK(s.at("node_power_supply_temp_celsius{power_supply=\"BAT0\"}") == 29.5);
  CHECK(s.at("node_power_supply_cyclecount{power_supply=\"BAT0\"}") == 112);
  CHECK(s.at("node_power_supply_capacity{power_supply=\"BAT0\"}") == 75);
  CHECK(s.at("node_power_supply_info{capacity_level=\"Normal\",charge_type=\"Standard\","
             "health=\"Good\",manufacturer=\"SMP\",model_name=\"DELL 5XJ2817\","
             "power_supply=\"BAT0\",scope=\"System\",serial_number=\"1234\","
             "status=\"Discharging\",technology=\"Li-ion\",type=\"Battery\",usb_type=\"[C] "
             "PD\"}") == 1);
  CHECK(w.help.at("node_power_supply_online") ==
        "online value of /sys/class/power_supply/<power_supply>.");
}

TEST_CASE("powersupplyclass without /sys/class/power_supply is NotFound",
          "[agent][powersupplyclass]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakePowerSupplyClassSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  CHECK(absl::IsNotFound(source->Collect(w)));
  CHECK(w.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
