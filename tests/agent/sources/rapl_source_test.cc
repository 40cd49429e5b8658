// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/rapl/rapl_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/fs_root.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("rapl over the fixture tree", "[agent][rapl]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeRaplSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  const std::string p = HOSTMON_FIXTURE_DIR "/sys/class/powercap/";
  CHECK(s.size() == 6);
  CHECK(s.at("node_rapl_package_joules_total{index=\"0\",path=\"" + p + "intel-rapl:0\"}") ==
        143226);
  CHECK(s.at("node_rapl_package_joules_total{index=\"1\",path=\"" + p + "intel-rapl:1\"}") ==
        140001);
  CHECK(s.at("node_rapl_core_joules_total{index=\"0\",path=\"" + p + "intel-rapl:0:0\"}") == 23002);
  // Two unnumbered "dram" zones are numbered in directory order.
  CHECK(s.at("node_rapl_dram_joules_total{index=\"0\",path=\"" + p + "intel-rapl:0:2\"}") ==
        9871.234567);
  CHECK(s.at("node_rapl_dram_joules_total{index=\"1\",path=\"" + p + "intel-rapl:1:0\"}") == 9000);
  CHECK(w.types.at("node_rapl_package_joules_total") == kCounter);
  CHECK(w.help.at("node_rapl_package_joules_total") == "Current RAPL package value in joules");
}

TEST_CASE("rapl without /sys/class/powercap is NotFound", "[agent][rapl]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeRaplSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  CHECK(absl::IsNotFound(source->Collect(w)));
  CHECK(w.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
