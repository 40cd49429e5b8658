// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpu_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;

const common::FsRoot kFixtures = testing::FixtureRoot();

TEST_CASE("cpu source exports guest time per CPU", "[agent][sources][cpu]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeCpuSource(ctx).value());
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"2\",mode=\"user\"}") == 0.07);
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"2\",mode=\"nice\"}") == 0.02);
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"user\"}") == 0);
  CHECK(rec.samples.count("node_cpu_guest_seconds_total{cpu=\"3\",mode=\"nice\"}") == 1);
  CHECK(rec.samples.count("node_cpu_guest_seconds_total{cpu=\"4\",mode=\"nice\"}") == 0);
  // 4 CPUs x (8 modes + 2 guest modes), 2 isolated CPUs, 2 cores and 1 package throttled.
  CHECK(rec.samples.size() == 40 + 2 + 2 + 1);
  CHECK(rec.types.at("node_cpu_guest_seconds_total") == kCounter);
}

TEST_CASE("cpu source exports isolated CPUs and thermal throttles as node_exporter 1.12",
          "[agent][sources][cpu]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeCpuSource(ctx).value());
  // isolated: "2-3".
  CHECK(rec.samples.at("node_cpu_isolated{cpu=\"2\"}") == 1);
  CHECK(rec.samples.at("node_cpu_isolated{cpu=\"3\"}") == 1);
  CHECK(rec.Count("node_cpu_isolated") == 2);
  // cpu0 and cpu2 share core 0 of package 0: the first CPU's counter (3) counts, not cpu2's 99.
  CHECK(rec.samples.at("node_cpu_core_throttles_total{core=\"0\",package=\"0\"}") == 3);
  CHECK(rec.samples.at("node_cpu_core_throttles_total{core=\"1\",package=\"0\"}") == 0);
  CHECK(rec.samples.at("node_cpu_package_throttles_total{package=\"0\"}") == 7);
  CHECK(rec.types.at("node_cpu_core_throttles_total") == kCounter);
  CHECK(rec.help.at("node_cpu_isolated") ==
        "Whether each core is isolated, information from /sys/devices/system/cpu/isolated.");
}

TEST_CASE("cpu source: topology rescanned when /proc/stat's CPUs change, bad isolated file",
          "[agent][sources][cpu]") {
  testing::ScopedTempDir dir;
  const std::string stat_head = "cpu  1 0 1 1 0 0 0 0 0 0\n";
  const std::string cpu0 = "cpu0 1 0 1 1 0 0 0 0 0 0\n";
  const std::string cpu1 = "cpu1 1 0 1 1 0 0 0 0 0 0\n";
  dir.Write("proc/stat", stat_head + cpu0 + "btime 1\n");
  const std::string sys = "devices/system/cpu/";
  dir.Write(sys + "isolated", "1,x\n");
  dir.Write(sys + "cpu0/topology/physical_package_id", "0\n");
  dir.Write(sys + "cpu0/topology/core_id", "0\n");
  dir.Write(sys + "cpu0/thermal_throttle/core_throttle_count", "1\n");
  dir.Write(sys + "cpu1/topology/core_id", "1\n");  // cpu1 offline: no package id yet
  dir.Write(sys + "cpu1/thermal_throttle/core_throttle_count", "2\n");
  const common::FsRoot fs(dir.File("proc"), dir.path(), dir.File("rootfs"));
  const SourceContext ctx{&fs};
  SourcePtr source = MakeCpuSource(ctx).value();
  {
    SampleRecorder rec;
    const absl::Status status = source->Collect(rec);
    // The bad isolated file is reported, by name; every other series is still exported.
    CHECK(status.message().find("isolated: invalid cpu \"x\"") != absl::string_view::npos);
    CHECK(rec.Count("node_cpu_isolated") == 0);
    CHECK(rec.Count("node_cpu_seconds_total") == 8);
    CHECK(rec.samples.at("node_cpu_core_throttles_total{core=\"0\",package=\"0\"}") == 1);
    CHECK(rec.Count("node_cpu_core_throttles_total") == 1);
    CHECK(rec.Count("node_cpu_package_throttles_total") == 0);  // no package counter file
  }
  dir.Write(sys + "cpu1/topology/physical_package_id", "0\n");  // cpu1 comes online
  dir.Write(sys + "cpu0/thermal_throttle/core_throttle_count", "5\n");
  {
    SampleRecorder rec;
    (void)source->Collect(rec);
    CHECK(rec.samples.at("node_cpu_core_throttles_total{core=\"0\",package=\"0\"}") == 5);
    CHECK(rec.Count("node_cpu_core_throttles_total") == 1);  // same CPUs: no rescan yet
  }
  dir.Write("proc/stat", stat_head + cpu0 + cpu1 + "btime 1\n");
  {
    SampleRecorder rec;
    (void)source->Collect(rec);
    CHECK(rec.samples.at("node_cpu_core_throttles_total{core=\"1\",package=\"0\"}") == 2);
    CHECK(rec.Count("node_cpu_core_throttles_total") == 2);
  }
}

TEST_CASE("cpu source's opt-in info families, as node_exporter 1.12's --collector.cpu.info",
          "[agent][sources][cpu]") {
  SECTION("off by default: /proc/cpuinfo is not read") {
    const testing::TestContext ctx("cpu", kFixtures);
    const SampleRecorder rec = CollectOk(*MakeCpuSource(ctx).value());
    CHECK(rec.Count("node_cpu_info") == 0);
  }
  SECTION("info: one series per CPU, no flags or bugs without a pattern") {
    const testing::TestContext ctx("cpu", kFixtures, {{"info", "true"}});
    const SampleRecorder rec = CollectOk(*MakeCpuSource(ctx).value());
    CHECK(rec.Count("node_cpu_info{") == 4);
    CHECK(rec.samples.at("node_cpu_info{cachesize=\"512 KB\",core=\"1\",cpu=\"3\",family=\"25\","
                         "microcode=\"0x1000065\",model=\"1\",model_name=\"AMD EPYC\",package="
                         "\"0\",stepping=\"1\",vendor=\"AuthenticAMD\"}") == 1);
    CHECK(rec.Count("node_cpu_flag_info") == 0);
    CHECK(rec.Count("node_cpu_bug_info") == 0);
    CHECK(rec.help.at("node_cpu_info") == "CPU information from /proc/cpuinfo.");
  }
  SECTION("an include pattern switches info on; flags and bugs of the first CPU") {
    const testing::TestContext ctx("cpu", kFixtures,
                                   {{"info.flags-include", "^(aes|avx.?|constant_tsc)$"},
                                    {"info.bugs-include", "^(spectre_.*|mds)$"}});
    const SampleRecorder rec = CollectOk(*MakeCpuSource(ctx).value());
    CHECK(rec.Count("node_cpu_info{") == 4);
    CHECK(rec.samples.at("node_cpu_flag_info{flag=\"aes\"}") == 1);
    CHECK(rec.samples.at("node_cpu_flag_info{flag=\"avx2\"}") == 1);
    CHECK(rec.samples.at("node_cpu_flag_info{flag=\"constant_tsc\"}") == 1);
    CHECK(rec.Count("node_cpu_flag_info") == 4);  // aes, avx, avx2, constant_tsc
    CHECK(rec.Count("node_cpu_bug_info") == 3);   // spectre_v1, spectre_v2, spectre_v2_user
    CHECK(rec.samples.at("node_cpu_bug_info{bug=\"spectre_v2_user\"}") == 1);
  }
  SECTION("bad options") {
    const testing::TestContext bad_bool("cpu", kFixtures, {{"info", "yes"}});
    CHECK(absl::IsInvalidArgument(MakeCpuSource(bad_bool).status()));
    const testing::TestContext bad_re("cpu", kFixtures, {{"info.bugs-include", "("}});
    CHECK(MakeCpuSource(bad_re).status().message().find("info.bugs-include") !=
          absl::string_view::npos);
  }
}

}  // namespace
}  // namespace hostmon::agent
