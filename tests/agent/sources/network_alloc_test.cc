// SPDX-License-Identifier: Apache-2.0
//
// The network sources must not allocate per scrape once warmed up (README: steady state).
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agent/sources/arp/arp_source.h"
#include "agent/sources/conntrack/conntrack_source.h"
#include "agent/sources/netclass/netclass_source.h"
#include "agent/sources/netdev/netdev_source.h"
#include "agent/sources/netstat/netstat_source.h"
#include "agent/sources/sockstat/sockstat_source.h"
#include "agent/sources/softnet/softnet_source.h"
#include "agent/sources/tcpstat/tcpstat_source.h"
#include "fakes/alloc_counter.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

// Allocations of the third collection (the first two warm up buffers).
size_t SteadyStateAllocations(Source& source) {
  testing::NullWriter out;
  REQUIRE(source.Collect(out).ok());
  REQUIRE(source.Collect(out).ok());
  REQUIRE(out.adds > 0);
  hostmon::testing::AllocationCounter counter;
  REQUIRE(source.Collect(out).ok());
  return counter.count();
}

TEST_CASE("network sources do not allocate in steady state",
          "[agent][netdev][netstat][sockstat][softnet][arp][conntrack][tcpstat]") {
  const common::FsRoot fs = testing::FixtureRoot();
  // Each with its default options (netdev: device-exclude "^lo$"; netstat: the default fields).
  for (const char* name :
       {"netdev", "netstat", "arp", "sockstat", "softnet", "conntrack", "tcpstat"}) {
    INFO(name);
    const testing::TestContext ctx(name, fs);
    absl::StatusOr<SourcePtr> source = [&] {
      const std::string n = name;
      if (n == "netdev") return MakeNetdevSource(ctx);
      if (n == "netstat") return MakeNetstatSource(ctx);
      if (n == "arp") return MakeArpSource(ctx);
      if (n == "sockstat") return MakeSockstatSource(ctx);
      if (n == "softnet") return MakeSoftnetSource(ctx);
      if (n == "conntrack") return MakeConntrackSource(ctx);
      return MakeTcpstatSource(ctx);
    }();
    REQUIRE(source.ok());
    CHECK(SteadyStateAllocations(**source) == 0);
  }
}

TEST_CASE("netclass does not allocate in steady state", "[agent][netclass]") {
  // lo and ifb0 lack several attribute files; eth0 has all of them.
  const common::FsRoot fs = testing::FixtureRoot();
  auto source =
      MakeNetclassSource(testing::TestContext("netclass", fs, {{"ignored-devices", "^$"}}));
  REQUIRE(source.ok());
  CHECK(SteadyStateAllocations(**source) == 0);
}

}  // namespace
}  // namespace hostmon::agent
