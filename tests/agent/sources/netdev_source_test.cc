// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netdev/netdev_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agent/source.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

using testing::FixtureRoot;
using testing::SampleRecorder;

absl::StatusOr<SourcePtr> Make(const common::FsRoot& fs,
                               const std::map<std::string, std::string>& options) {
  return MakeNetdevSource(testing::TestContext("netdev", fs, options));
}

TEST_CASE("netdev source exports /proc/net/dev without lo by default", "[agent][netdev]") {
  const common::FsRoot fs = FixtureRoot();
  auto source = Make(fs, {{"device-exclude", "^lo$"}});
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());
  // eth0, ifb0, ifb1; rx_nohandler for eth0 and ifb0 (the fixture has no sys/class/net/ifb1).
  CHECK(out.samples.size() == 3 * 16 + 2);
  CHECK(out.samples.at("node_network_receive_nohandler_total{device=\"eth0\"}") == 3);
  CHECK(out.samples.at("node_network_receive_nohandler_total{device=\"ifb0\"}") == 0);
  CHECK(out.samples.count("node_network_receive_nohandler_total{device=\"ifb1\"}") == 0);
  CHECK(out.help.at("node_network_receive_nohandler_total") ==
        "Network device statistic receive_nohandler.");
  CHECK(out.Count("node_network_receive_bytes_total{device=\"lo\"}") == 0);
  CHECK(out.samples.at("node_network_receive_bytes_total{device=\"eth0\"}") == 47023527);
  CHECK(out.samples.at("node_network_receive_multicast_total{device=\"eth0\"}") == 12);
  CHECK(out.samples.at("node_network_transmit_colls_total{device=\"eth0\"}") == 6);
  CHECK(out.samples.at("node_network_transmit_carrier_total{device=\"eth0\"}") == 1);
  CHECK(out.samples.at("node_network_transmit_packets_total{device=\"ifb1\"}") == 0);
  CHECK(out.types.at("node_network_receive_drop_total") == kCounter);
  CHECK(out.help.at("node_network_receive_drop_total") == "Network device statistic receive_drop.");
}

TEST_CASE("netdev source include and exclude options", "[agent][netdev]") {
  const common::FsRoot fs = FixtureRoot();
  SECTION("include") {
    // The default device-exclude ("^lo$") must be cleared: the two are mutually exclusive.
    auto source = Make(fs, {{"device-include", "^ifb"}, {"device-exclude", ""}});
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.samples.size() == 2 * 16 + 1);
    CHECK(out.samples.count("node_network_receive_bytes_total{device=\"ifb1\"}") == 1);
  }
  SECTION("no filter keeps lo") {
    auto source = Make(fs, {{"device-exclude", ""}});
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.samples.at("node_network_receive_bytes_total{device=\"lo\"}") == 38996273);
  }
  SECTION("both is an error") {
    auto source = Make(fs, {{"device-include", "a"}, {"device-exclude", "b"}});
    CHECK(source.status().message() ==
          "source netdev: option \"device-include\": mutually exclusive with \"device-exclude\"");
  }
  SECTION("bad regex") {
    auto source = Make(fs, {{"device-exclude", "("}});
    CHECK(absl::IsInvalidArgument(source.status()));
    CHECK(source.status().message().find(
              "source netdev: option \"device-exclude\": invalid regexp \"(\"") == 0);
  }
}

TEST_CASE("netdev source rejects a bad rx_nohandler", "[agent][netdev]") {
  // The fixture's /proc/net/dev with a sysfs tree whose eth0 counter is not a number.
  const std::string dir = testing::FixturePath("");
  const common::FsRoot fs(dir + "proc", dir + "variants/netdev/sys", dir + "rootfs");
  auto source = Make(fs, {{"device-include", "^eth0$"}, {"device-exclude", ""}});
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  const absl::Status status = (*source)->Collect(out);
  CHECK(absl::IsInvalidArgument(status));
  CHECK(status.message() == dir +
                                "variants/netdev/sys/class/net/eth0/statistics/rx_nohandler: not "
                                "an unsigned integer: \"x3\"");
}

TEST_CASE("netdev source without /proc/net/dev is NotFound", "[agent][netdev]") {
  const common::FsRoot fs = testing::EmptyRoot();
  auto source = Make(fs, {});
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound((*source)->Collect(out)));
  CHECK(out.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
