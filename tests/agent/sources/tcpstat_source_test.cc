// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/tcpstat/tcpstat_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("tcpstat source counts tcp and tcp6 sockets by state", "[agent][tcpstat]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeTcpstatSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::map<std::string, double> want = {
      {"node_tcp_connection_states{state=\"close_wait\"}", 1},
      {"node_tcp_connection_states{state=\"established\"}", 1},
      {"node_tcp_connection_states{state=\"listen\"}", 3},
      {"node_tcp_connection_states{state=\"rx_queued_bytes\"}", 0x25},
      {"node_tcp_connection_states{state=\"time_wait\"}", 1},
      {"node_tcp_connection_states{state=\"tx_queued_bytes\"}", 0x100},
  };
  CHECK(out.samples == want);
  CHECK(out.types.at("node_tcp_connection_states") == kGauge);
  CHECK(out.help.at("node_tcp_connection_states") == "Number of connection states.");
}

TEST_CASE("tcpstat source without /proc/net/tcp is NotFound", "[agent][tcpstat]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeTcpstatSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
}

}  // namespace
}  // namespace hostmon::agent
