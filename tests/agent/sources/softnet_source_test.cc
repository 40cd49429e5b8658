// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/softnet/softnet_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("softnet source exports per-CPU counters from the fixture", "[agent][softnet]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeSoftnetSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::map<std::string, double> want = {
      {"node_softnet_backlog_len{cpu=\"0\"}", 0},
      {"node_softnet_backlog_len{cpu=\"1\"}", 0},
      {"node_softnet_cpu_collision_total{cpu=\"0\"}", 0},
      {"node_softnet_cpu_collision_total{cpu=\"1\"}", 0},
      {"node_softnet_dropped_total{cpu=\"0\"}", 0},
      {"node_softnet_dropped_total{cpu=\"1\"}", 42},
      {"node_softnet_flow_limit_count_total{cpu=\"0\"}", 0},
      {"node_softnet_flow_limit_count_total{cpu=\"1\"}", 0},
      {"node_softnet_processed_total{cpu=\"0\"}", 31144},
      {"node_softnet_processed_total{cpu=\"1\"}", 31981},
      {"node_softnet_received_rps_total{cpu=\"0\"}", 0},
      {"node_softnet_received_rps_total{cpu=\"1\"}", 0},
      {"node_softnet_times_squeezed_total{cpu=\"0\"}", 0},
      {"node_softnet_times_squeezed_total{cpu=\"1\"}", 17},
  };
  CHECK(out.samples == want);
  CHECK(out.types.at("node_softnet_processed_total") == kCounter);
  CHECK(out.help.at("node_softnet_times_squeezed_total") ==
        "Number of times processing packets ran out of quota");
  CHECK(out.types.at("node_softnet_received_rps_total") == kCounter);
  CHECK(out.help.at("node_softnet_received_rps_total") ==
        "Number of times cpu woken up received_rps");
  CHECK(out.types.at("node_softnet_flow_limit_count_total") == kCounter);
  CHECK(out.help.at("node_softnet_flow_limit_count_total") ==
        "Number of times flow limit has been reached");
  CHECK(out.types.at("node_softnet_backlog_len") == kGauge);
  CHECK(out.help.at("node_softnet_backlog_len") == "Softnet backlog status");
  CHECK(out.types.at("node_softnet_cpu_collision_total") == kCounter);
  CHECK(out.help.at("node_softnet_cpu_collision_total") ==
        "Number of collision occur while obtaining device lock while transmitting");
}

TEST_CASE("softnet source labels lines with the CPU id the kernel prints", "[agent][softnet]") {
  testing::ScopedTempDir dir;
  // CPU 1 offline: the kernel prints lines for CPUs 0 and 2 only.
  dir.Write("proc/net/softnet_stat",
            "00000010 0 0 0 0 0 0 0 00000003 0 0 00000005 00000000 0 0\n"
            "00000020 0 0 0 0 0 0 0 00000004 0 0 00000006 00000002 0 0\n");
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  SourcePtr source = MakeSoftnetSource(SourceContext{&fs}).value();
  for (int round = 0; round < 2; ++round) {  // the reused label buffers stay right
    testing::SampleRecorder out;
    REQUIRE(source->Collect(out).ok());
    CHECK(out.Get("node_softnet_processed_total{cpu=\"2\"}") == 32);
    CHECK(out.Get("node_softnet_cpu_collision_total{cpu=\"2\"}") == 4);
    CHECK(out.Get("node_softnet_backlog_len{cpu=\"0\"}") == 5);
    CHECK(out.Get("node_softnet_backlog_len{cpu=\"2\"}") == 6);
    CHECK_FALSE(out.Has("node_softnet_processed_total{cpu=\"1\"}"));
  }
}

TEST_CASE("softnet source before Linux 5.10: line numbers and a 0 backlog", "[agent][softnet]") {
  testing::ScopedTempDir dir;
  dir.Write("proc/net/softnet_stat",
            "00000010 0 0 0 0 0 0 0 00000002 0 0\n"
            "00000020 0 0 0 0 0 0 0 00000000 0 0\n");
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  SourcePtr source = MakeSoftnetSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.Get("node_softnet_processed_total{cpu=\"1\"}") == 32);
  CHECK(out.Get("node_softnet_cpu_collision_total{cpu=\"0\"}") == 2);
  // Not printed by these kernels; node_exporter 1.12 exports 0, and so does hostmon.
  CHECK(out.Get("node_softnet_backlog_len{cpu=\"0\"}") == 0);
  CHECK(out.Get("node_softnet_backlog_len{cpu=\"1\"}") == 0);
}

TEST_CASE("softnet source without the file is NotFound", "[agent][softnet]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeSoftnetSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
}

}  // namespace
}  // namespace hostmon::agent
