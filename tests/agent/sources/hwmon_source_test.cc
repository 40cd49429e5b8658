// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/hwmon/hwmon_source.h"

#include <catch2/catch.hpp>

#include "common/fs_root.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("hwmon over the fixture tree", "[agent][hwmon]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeHwmonSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  CHECK(s.size() == 69);
  // thermal_zone0 (the acpitz device) has its own "temp" file, read like a sensor: sensor temp0.
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp0\"}") == 27.8);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"}") == 45);
  CHECK(s.at("node_hwmon_temp_crit_alarm_celsius{chip=\"platform_coretemp_0\",sensor=\"temp3\"}") ==
        0.001);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp1\"}") == 27.8);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"hwmon5\",sensor=\"temp1\"}") == 30);
  CHECK(s.at("node_hwmon_fan_rpm{chip=\"platform_nct6775_656\",sensor=\"fan1\"}") == 1235);
  CHECK(s.at("node_hwmon_in_volts{chip=\"platform_nct6775_656\",sensor=\"in0\"}") == 1.032);
  CHECK(s.at("node_hwmon_in_volts{chip=\"ina3221\",sensor=\"in1\"}") == 12.096);
  CHECK(s.at("node_hwmon_curr_amps{chip=\"ina3221\",sensor=\"curr1\"}") == 1.25);
  // Sensor files in device/ (ACPI power meter).
  CHECK(s.at("node_hwmon_power_average_watt{chip=\"device:00_acpi000d:00\",sensor=\"power1\"}") ==
        345);
  CHECK(s.at("node_hwmon_energy_joule_total{chip=\"device:00_acpi000d:00\",sensor=\"energy1\"}") ==
        123456.789);
  CHECK(s.at("node_hwmon_chip_names{chip=\"platform_coretemp_0\",chip_name=\"coretemp\"}") == 1);
  CHECK(s.at("node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Package id "
             "0\",sensor=\"temp1\"}") == 1);
  CHECK(s.at("node_hwmon_beep_enabled{chip=\"platform_nct6775_656\",sensor=\"beep_enable0\"}") ==
        0);
  CHECK(s.at("node_hwmon_update_interval_seconds{chip=\"ina3221\",sensor=\"update_interval0\"}") ==
        1);
  // temp2_input of the nct6779 holds garbage and is skipped.
  CHECK(s.count("node_hwmon_temp_celsius{chip=\"platform_nct6775_656\",sensor=\"temp2\"}") == 0);
  CHECK(w.types.at("node_hwmon_energy_joule_total") == kCounter);
  CHECK(w.help.at("node_hwmon_fan_min_rpm") ==
        "Hardware monitor for fan revolutions per minute (min)");
  for (const auto& [key, n] : w.writes) {
    INFO(key);
    CHECK(n == 1);
  }
}

TEST_CASE("hwmon without /sys/class/hwmon is NotFound", "[agent][hwmon]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeHwmonSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  CHECK(absl::IsNotFound(source->Collect(w)));
  CHECK(w.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
