// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/thermal_zone/thermal_zone_source.h"

#include <catch2/catch.hpp>

#include "common/fs_root.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("thermal_zone over the fixture tree", "[agent][thermal_zone]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeThermalZoneSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  CHECK(s.size() == 7);
  CHECK(s.at("node_thermal_zone_temp{type=\"acpitz\",zone=\"0\"}") == 27.8);
  CHECK(s.at("node_thermal_zone_temp{type=\"x86_pkg_temp\",zone=\"1\"}") == 46);
  CHECK(s.at("node_thermal_zone_temp{type=\"iwlwifi_1\",zone=\"2\"}") == -274);
  CHECK(s.at("node_cooling_device_cur_state{name=\"0\",type=\"Processor\"}") == 0);
  CHECK(s.at("node_cooling_device_max_state{name=\"0\",type=\"Processor\"}") == 10);
  CHECK(s.at("node_cooling_device_cur_state{name=\"1\",type=\"intel_powerclamp\"}") == -1);
  CHECK(s.at("node_cooling_device_max_state{name=\"1\",type=\"intel_powerclamp\"}") == 50);
  CHECK(w.help.at("node_thermal_zone_temp") == "Zone temperature in Celsius");
}

TEST_CASE("thermal_zone without /sys/class/thermal is NotFound", "[agent][thermal_zone]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeThermalZoneSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  CHECK(absl::IsNotFound(source->Collect(w)));
  CHECK(w.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
