// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netclass/netclass_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

TEST_CASE("ParseNetClassNumber reads the fixture's attribute files", "[agent][netclass]") {
  int64_t value = 0;
  REQUIRE(ParseNetClassNumber(ReadFixture("sys/class/net/eth0/mtu"), "mtu", &value).ok());
  CHECK(value == 1400);
  REQUIRE(ParseNetClassNumber(ReadFixture("sys/class/net/eth0/flags"), "flags", &value).ok());
  CHECK(value == 0x1003);
  REQUIRE(ParseNetClassNumber(ReadFixture("sys/class/net/eth0/speed"), "speed", &value).ok());
  CHECK(value == -1);
  REQUIRE(ParseNetClassNumber(ReadFixture("sys/class/net/lo/type"), "type", &value).ok());
  CHECK(value == 772);
  CHECK(NetClassString(ReadFixture("sys/class/net/eth0/address")) == "02:fc:00:00:00:01");
  CHECK(NetClassString(ReadFixture("sys/class/net/eth0/ifalias")).empty());
}

TEST_CASE("ParseNetClassNumber on truncated input", "[agent][netclass]") {
  int64_t value = 0;
  CHECK(ParseNetClassNumber("", "/sys/class/net/eth0/mtu", &value).message() ==
        "/sys/class/net/eth0/mtu: not an integer: \"\"");
  CHECK(ParseNetClassNumber("0x", "/sys/class/net/eth0/flags", &value).message() ==
        "/sys/class/net/eth0/flags: not an integer: \"0x\"");
  CHECK(ParseNetClassNumber("\n", "/sys/class/net/eth0/mtu", &value).message() ==
        "/sys/class/net/eth0/mtu: not an integer: \"\"");
}

TEST_CASE("ParseNetClassNumber rejects bad numbers", "[agent][netclass]") {
  int64_t value = 0;
  CHECK(ParseNetClassNumber("15x0\n", "mtu", &value).message() == "mtu: not an integer: \"15x0\"");
  CHECK(ParseNetClassNumber("0x10g3\n", "flags", &value).message() ==
        "flags: not a hex integer: \"0x10g3\"");
  CHECK(ParseNetClassNumber("9223372036854775808\n", "mtu", &value).message() ==
        "mtu: not an integer: \"9223372036854775808\"");
  CHECK(ParseNetClassNumber("0x8000000000000000\n", "flags", &value).message() ==
        "flags: not a hex integer: \"0x8000000000000000\"");
  REQUIRE(ParseNetClassNumber("0x7fffffffffffffff\n", "flags", &value).ok());
  CHECK(value == INT64_MAX);
}

TEST_CASE("NetClassAdminState reads IFF_UP from flags", "[agent][netclass]") {
  CHECK(NetClassAdminState(true, 0x1003) == "up");
  CHECK(NetClassAdminState(true, 0x1) == "up");
  CHECK(NetClassAdminState(true, 0x82) == "down");
  CHECK(NetClassAdminState(true, 0) == "down");
  CHECK(NetClassAdminState(false, 0x1) == "unknown");
}

}  // namespace
}  // namespace hostmon::agent
