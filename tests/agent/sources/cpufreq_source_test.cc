// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpufreq/cpufreq_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

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
  // 21 frequencies, 4 CPUs x 2 available governors.
  CHECK(rec.samples.size() == 21 + 8);
  CHECK(rec.samples.at("node_cpu_frequency_hertz{cpu=\"0\"}") == 2112000000);
  CHECK(rec.samples.count("node_cpu_frequency_hertz{cpu=\"1\"}") == 0);
  CHECK(rec.samples.at("node_cpu_frequency_max_hertz{cpu=\"3\"}") == 3600000000);
  CHECK(rec.samples.at("node_cpu_frequency_min_hertz{cpu=\"2\"}") == 800000000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_hertz{cpu=\"1\"}") == 1345678000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_min_hertz{cpu=\"0\"}") == 800000000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_max_hertz{cpu=\"0\"}") == 3600000000);
  CHECK(rec.help.at("node_cpu_scaling_frequency_hertz") ==
        "Current scaled CPU thread frequency in hertz.");
  // node_exporter 1.12's governor series: 1 for the one in use.
  CHECK(rec.samples.at("node_cpu_scaling_governor{cpu=\"0\",governor=\"powersave\"}") == 1);
  CHECK(rec.samples.at("node_cpu_scaling_governor{cpu=\"0\",governor=\"performance\"}") == 0);
  CHECK(rec.samples.at("node_cpu_scaling_governor{cpu=\"2\",governor=\"performance\"}") == 1);
  CHECK(rec.samples.at("node_cpu_scaling_governor{cpu=\"2\",governor=\"powersave\"}") == 0);
  CHECK(rec.help.at("node_cpu_scaling_governor") == "Current enabled CPU frequency governor.");

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

TEST_CASE("cpufreq governors: missing or empty files", "[agent][sources][cpufreq]") {
  testing::ScopedTempDir dir;
  const std::string cpu = "devices/system/cpu/";
  dir.Write(cpu + "cpu0/cpufreq/scaling_cur_freq", "1000\n");
  dir.Write(cpu + "cpu0/cpufreq/scaling_governor", "schedutil\n");  // no available list
  dir.Write(cpu + "cpu1/cpufreq/scaling_cur_freq", "1000\n");
  dir.Write(cpu + "cpu1/cpufreq/scaling_governor", "\n");  // no governor: no series
  dir.Write(cpu + "cpu1/cpufreq/scaling_available_governors", "performance\n");
  dir.Write(cpu + "cpu2/cpufreq/scaling_cur_freq", "1000\n");
  dir.Write(cpu + "cpu2/cpufreq/scaling_governor", "ondemand\n");
  dir.Write(cpu + "cpu2/cpufreq/scaling_available_governors", "ondemand  performance \n");
  const common::FsRoot fs(dir.File("proc"), dir.path(), dir.File("rootfs"));
  const SourceContext ctx{&fs};
  const SampleRecorder rec = CollectOk(*MakeCpufreqSource(ctx).value());
  CHECK(rec.Count("node_cpu_scaling_governor{cpu=\"0\"") == 0);
  CHECK(rec.Count("node_cpu_scaling_governor{cpu=\"1\"") == 0);
  CHECK(rec.samples.at("node_cpu_scaling_governor{cpu=\"2\",governor=\"ondemand\"}") == 1);
  CHECK(rec.samples.at("node_cpu_scaling_governor{cpu=\"2\",governor=\"performance\"}") == 0);
  CHECK(rec.Count("node_cpu_scaling_governor") == 2);
}

}  // namespace
}  // namespace hostmon::agent
