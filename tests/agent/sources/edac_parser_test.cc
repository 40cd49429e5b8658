// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("EDAC counters from the fixture", "[agent][edac]") {
  uint64_t v = 0;
  const std::string mc0 = "sys/devices/system/edac/mc/mc0/";
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "ce_count"), "ce_count", &v).ok());
  CHECK(v == 5);
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "ue_count"), "ue_count", &v).ok());
  CHECK(v == 1);
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "csrow0/ce_count"), "ce_count", &v).ok());
  CHECK(v == 3);
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "ce_noinfo_count"), "x", &v).ok());
  CHECK(v == 1);
}

TEST_CASE("EDAC counters: truncated, missing and bad numbers", "[agent][edac]") {
  uint64_t v = 0;
  SECTION("cut before the newline") {
    REQUIRE(ParseEdacCount("12", "f", &v).ok());
    CHECK(v == 12);
  }
  SECTION("empty") {
    CHECK(ParseEdacCount("\n", "/sys/mc0/ce_count", &v).message() ==
          "/sys/mc0/ce_count: not an unsigned integer: \"\"");
  }
  SECTION("non-numeric and negative") {
    CHECK(ParseEdacCount("many\n", "f", &v).message() == "f: not an unsigned integer: \"many\"");
    CHECK_FALSE(ParseEdacCount("-1\n", "f", &v).ok());
  }
  SECTION("overflow") {
    CHECK(ParseEdacCount("18446744073709551616\n", "f", &v).message() ==
          "f: integer out of range: \"18446744073709551616\"");
  }
}

TEST_CASE("EdacIndex takes the digits after the prefix", "[agent][edac]") {
  absl::string_view index;
  REQUIRE(EdacIndex("mc12", "mc", &index));
  CHECK(index == "12");
  REQUIRE(EdacIndex("csrow3", "csrow", &index));
  CHECK(index == "3");
  CHECK_FALSE(EdacIndex("mc", "mc", &index));
  CHECK_FALSE(EdacIndex("mc_name", "mc", &index));
  CHECK_FALSE(EdacIndex("power", "mc", &index));
}

}  // namespace
}  // namespace hostmon::agent
