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
#include "agent/sources/network_test_util.h"
#include "agent/sources/sockstat/sockstat_source.h"
#include "agent/sources/softnet/softnet_source.h"
#include "agent/sources/tcpstat/tcpstat_source.h"
#include "fakes/alloc_counter.h"

namespace hostmon::agent {
namespace {

class NullWriter : public SampleWriter {
 public:
  void Add(const MetricDesc&, LabelSpan, double) override { ++samples; }
  size_t samples = 0;
};

// Allocations of the third collection (the first two warm up buffers).
size_t SteadyStateAllocations(Source& source) {
  NullWriter out;
  REQUIRE(source.Collect(out).ok());
  REQUIRE(source.Collect(out).ok());
  REQUIRE(out.samples > 0);
  hostmon::testing::AllocationCounter counter;
  REQUIRE(source.Collect(out).ok());
  return counter.count();
}

TEST_CASE("network sources do not allocate in steady state",
          "[agent][netdev][netstat][sockstat][softnet][arp][conntrack][tcpstat]") {
  const common::FsRoot fs = testing::FixtureRoot();
  const std::map<std::string, std::string> options = {{"device-exclude", "^lo$"},
                                                      {"fields", kNetstatDefaultFields}};
  const SourceContext ctx{&fs, &options};
  CHECK(SteadyStateAllocations(**MakeNetdevSource(ctx)) == 0);
  CHECK(SteadyStateAllocations(**MakeNetstatSource(ctx)) == 0);
  CHECK(SteadyStateAllocations(**MakeArpSource(SourceContext{&fs})) == 0);
  CHECK(SteadyStateAllocations(*MakeSockstatSource(ctx)) == 0);
  CHECK(SteadyStateAllocations(*MakeSoftnetSource(ctx)) == 0);
  CHECK(SteadyStateAllocations(*MakeConntrackSource(ctx)) == 0);
  CHECK(SteadyStateAllocations(*MakeTcpstatSource(ctx)) == 0);
}

TEST_CASE("netclass does not allocate in steady state", "[agent][netclass]") {
  // lo and ifb0 lack several attribute files; eth0 has all of them.
  const common::FsRoot fs = testing::FixtureRoot();
  const std::map<std::string, std::string> options = {{"ignored-devices", "^$"}};
  auto source = MakeNetclassSource(SourceContext{&fs, &options});
  REQUIRE(source.ok());
  CHECK(SteadyStateAllocations(**source) == 0);
}

}  // namespace
}  // namespace hostmon::agent
