// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/arp/arp_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

constexpr char kHeader[] =
    "IP address       HW type     Flags       HW address            Mask     Device\n";

TEST_CASE("ParseArp counts the fixture's entries per device", "[agent][arp]") {
  const std::string text = ReadFixture("proc/net/arp");
  std::vector<ArpDeviceCount> counts;
  REQUIRE(ParseArp(text, &counts).ok());
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].device == "eth0");
  CHECK(counts[0].entries == 2);
  // An incomplete entry (flags 0x0) still counts, as in node_exporter.
  CHECK(counts[1].device == "ifb0");
  CHECK(counts[1].entries == 1);
}

TEST_CASE("ParseArp on truncated or malformed input", "[agent][arp]") {
  std::vector<ArpDeviceCount> counts;
  SECTION("empty input has no header") {
    CHECK(ParseArp("", &counts).message() == "/proc/net/arp line 1: expected the header line");
  }
  SECTION("header only is no entries") {
    REQUIRE(ParseArp(kHeader, &counts).ok());
    CHECK(counts.empty());
  }
  SECTION("a line cut before the device") {
    CHECK(ParseArp(std::string(kHeader) + "192.0.2.1        0x1         0x2         02:fc", &counts)
              .message() == "/proc/net/arp line 2: expected 6 columns, got 4");
  }
  SECTION("a missing column") {
    CHECK(ParseArp(std::string(kHeader) + "192.0.2.1 0x1 0x2 02:fc:00:00:00:05 eth0\n", &counts)
              .message() == "/proc/net/arp line 2: expected 6 columns, got 5");
  }
}

}  // namespace
}  // namespace hostmon::agent
