// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/arp/arp_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

TEST_CASE("arp source exports entries per device", "[agent][arp]") {
  const common::FsRoot fs = testing::FixtureRoot();
  std::map<std::string, std::string> options;
  SECTION("default: all devices") {
    auto source = MakeArpSource(testing::TestContext("arp", fs, options));
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    const std::map<std::string, double> want = {{"node_arp_entries{device=\"eth0\"}", 2},
                                                {"node_arp_entries{device=\"ifb0\"}", 1}};
    CHECK(out.samples == want);
    CHECK(out.types.at("node_arp_entries") == kGauge);
    CHECK(out.help.at("node_arp_entries") == "ARP entries by device");
  }
  SECTION("device-exclude") {
    options["device-exclude"] = "^ifb";
    auto source = MakeArpSource(testing::TestContext("arp", fs, options));
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.samples.size() == 1);
    CHECK(out.samples.count("node_arp_entries{device=\"eth0\"}") == 1);
  }
}

TEST_CASE("arp source without /proc/net/arp is NotFound", "[agent][arp]") {
  const common::FsRoot fs = testing::EmptyRoot();
  auto source = MakeArpSource(testing::TestContext("arp", fs));
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound((*source)->Collect(out)));
}

}  // namespace
}  // namespace hostmon::agent
