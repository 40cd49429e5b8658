// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/udp_queues/udp_queues_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("udp_queues source sums udp and udp6 queues", "[agent][udp_queues]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeUdpQueuesSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::map<std::string, double> want = {
      {"node_udp_queues{ip=\"v4\",queue=\"rx\"}", 0xA00},
      {"node_udp_queues{ip=\"v4\",queue=\"tx\"}", 0x340},
      {"node_udp_queues{ip=\"v6\",queue=\"rx\"}", 0x300},
      {"node_udp_queues{ip=\"v6\",queue=\"tx\"}", 0x100},
  };
  CHECK(out.samples == want);
  CHECK(out.types.at("node_udp_queues") == kGauge);
  CHECK(out.help.at("node_udp_queues") ==
        "Number of allocated memory in the kernel for UDP datagrams in bytes.");
}

TEST_CASE("udp_queues source without udp6 reports only v4", "[agent][udp_queues]") {
  testing::ScopedTempDir root;
  root.Write("proc/net/udp", testing::ReadFixture("proc/net/udp"));
  const common::FsRoot fs(root.File("proc"), root.File("sys"), root.File("rootfs"));
  SourcePtr source = MakeUdpQueuesSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::map<std::string, double> want = {
      {"node_udp_queues{ip=\"v4\",queue=\"rx\"}", 0xA00},
      {"node_udp_queues{ip=\"v4\",queue=\"tx\"}", 0x340},
  };
  CHECK(out.samples == want);
}

TEST_CASE("udp_queues source without udp and udp6 is NotFound", "[agent][udp_queues]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeUdpQueuesSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
}

}  // namespace
}  // namespace hostmon::agent
