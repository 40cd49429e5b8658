// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/conntrack/conntrack_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

constexpr char kHeader[] =
    "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop "
    "early_drop icmp_error  expect_new expect_create expect_delete search_restart\n";

TEST_CASE("ParseConntrackStat sums the fixture's CPUs", "[agent][conntrack]") {
  ConntrackStat stat;
  REQUIRE(ParseConntrackStat(ReadFixture("proc/net/stat/nf_conntrack"), &stat).ok());
  CHECK(stat.found == 3 + 10);
  CHECK(stat.invalid == 2);
  CHECK(stat.ignore == 0x11 + 0x100);
  CHECK(stat.insert == 4);
  CHECK(stat.insert_failed == 1);
  CHECK(stat.drop == 1);
  CHECK(stat.early_drop == 2);
  CHECK(stat.search_restart == 5 + 1);
}

TEST_CASE("ParseConntrackValue reads the single-number files", "[agent][conntrack]") {
  uint64_t value = 0;
  REQUIRE(ParseConntrackValue(ReadFixture("proc/sys/net/netfilter/nf_conntrack_max"), "max", &value)
              .ok());
  CHECK(value == 262144);
  CHECK(ParseConntrackValue("", "count", &value).message() ==
        "count: not an unsigned integer: \"\"");
  CHECK(ParseConntrackValue("12a\n", "count", &value).message() ==
        "count: not an unsigned integer: \"12a\"");
  CHECK(ParseConntrackValue("18446744073709551616\n", "count", &value).message() ==
        "count: integer out of range: \"18446744073709551616\"");
}

TEST_CASE("ParseConntrackStat on truncated or malformed input", "[agent][conntrack]") {
  ConntrackStat stat;
  SECTION("empty input") {
    CHECK(ParseConntrackStat("", &stat).message() ==
          "/proc/net/stat/nf_conntrack line 1: expected the header line");
  }
  SECTION("header only") {
    REQUIRE(ParseConntrackStat(kHeader, &stat).ok());
    CHECK(stat.found == 0);
  }
  SECTION("a line cut short") {
    CHECK(
        ParseConntrackStat(std::string(kHeader) + "00000025 00000000 00000003", &stat).message() ==
        "/proc/net/stat/nf_conntrack line 2: expected 17 columns, got 3");
  }
  SECTION("non-hex") {
    CHECK(ParseConntrackStat(std::string(kHeader) + "0 0 zz 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &stat)
              .message() ==
          "/proc/net/stat/nf_conntrack line 2 column 3: not a hex number: \"zz\"");
  }
  SECTION("overflow") {
    CHECK(!ParseConntrackStat(
               std::string(kHeader) + "0 0 10000000000000000 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &stat)
               .ok());
  }
}

}  // namespace
}  // namespace hostmon::agent
