// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/sockstat/sockstat_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("sockstat source exports the fixture like node_exporter", "[agent][sockstat]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source =
      MakeSockstatSourceWithPageSize(SourceContext{&fs}, [] { return 4096; }).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::map<std::string, double> want = {
      {"node_sockstat_FRAG6_inuse", 0},
      {"node_sockstat_FRAG6_memory", 0},
      {"node_sockstat_FRAG_inuse", 0},
      {"node_sockstat_FRAG_memory", 0},
      {"node_sockstat_RAW6_inuse", 0},
      {"node_sockstat_RAW_inuse", 0},
      {"node_sockstat_TCP6_inuse", 0},
      {"node_sockstat_TCP_alloc", 2},
      {"node_sockstat_TCP_inuse", 2},
      {"node_sockstat_TCP_mem", 39},
      {"node_sockstat_TCP_mem_bytes", 39 * 4096},
      {"node_sockstat_TCP_orphan", 0},
      {"node_sockstat_TCP_tw", 1},
      {"node_sockstat_UDP6_inuse", 0},
      {"node_sockstat_UDPLITE6_inuse", 0},
      {"node_sockstat_UDPLITE_inuse", 0},
      {"node_sockstat_UDP_inuse", 0},
      {"node_sockstat_UDP_mem", 0},
      {"node_sockstat_UDP_mem_bytes", 0},
      {"node_sockstat_sockets_used", 15},
  };
  CHECK(out.samples == want);
  CHECK(out.help.at("node_sockstat_sockets_used") == "Number of IPv4 sockets in use.");
  CHECK(out.help.at("node_sockstat_TCP_mem_bytes") == "Number of TCP sockets in state mem_bytes.");
  CHECK(out.types.at("node_sockstat_TCP_tw") == kGauge);
}

TEST_CASE("sockstat source without either file is NotFound", "[agent][sockstat]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeSockstatSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
  CHECK(out.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
