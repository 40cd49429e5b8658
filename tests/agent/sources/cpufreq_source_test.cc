// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpufreq/cpufreq_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;

const common::FsRoot kFixtures = testing::FixtureRoot();
const common::FsRoot kEmpty = testing::EmptyRoot();

TEST_CASE("cpufreq source converts kHz to Hz", "[agent][sources][cpufreq]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeCpufreqSource(ctx).value());
  // cpuinfo_cur_freq exists only for cpu0 in the fixture (it is root-only on real hosts).
  CHECK(rec.samples.size() == 21);
  CHECK(rec.samples.at("node_cpu_frequency_hertz{cpu=\"0\"}") == 2112000000);
  CHECK(rec.samples.count("node_cpu_frequency_hertz{cpu=\"1\"}") == 0);
  CHECK(rec.samples.at("node_cpu_frequency_max_hertz{cpu=\"3\"}") == 3600000000);
  CHECK(rec.samples.at("node_cpu_frequency_min_hertz{cpu=\"2\"}") == 800000000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_hertz{cpu=\"1\"}") == 1345678000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_min_hertz{cpu=\"0\"}") == 800000000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_max_hertz{cpu=\"0\"}") == 3600000000);
  CHECK(rec.help.at("node_cpu_scaling_frequency_hertz") ==
        "Current scaled CPU thread frequency in hertz.");

  // No sysfs at all, and CPUs without cpufreq (a VM): both NotFound.
  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeCpufreqSource(empty).value()->Collect(none)));
  const common::FsRoot no_cpufreq("/nonexistent", HOSTMON_FIXTURE_DIR "/variants/cpufreq/none",
                                  "/nonexistent");
  SourceContext vm{&no_cpufreq};
  CHECK(absl::IsNotFound(MakeCpufreqSource(vm).value()->Collect(none)));
  CHECK(none.adds == 0);
}

}  // namespace
}  // namespace hostmon::agent
