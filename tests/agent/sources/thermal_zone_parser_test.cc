// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/thermal_zone/thermal_zone_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("thermal attribute files from the fixture", "[agent][thermal_zone]") {
  int64_t v = 0;
  REQUIRE(ParseSysfsInt(ReadFixture("sys/class/thermal/thermal_zone0/temp"), "temp", &v).ok());
  CHECK(v == 27800);
  REQUIRE(ParseSysfsInt(ReadFixture("sys/class/thermal/thermal_zone2/temp"), "temp", &v).ok());
  CHECK(v == -274000);
  REQUIRE(
      ParseSysfsInt(ReadFixture("sys/class/thermal/cooling_device1/cur_state"), "cur", &v).ok());
  CHECK(v == -1);
  REQUIRE(
      ParseSysfsInt(ReadFixture("sys/class/thermal/cooling_device1/max_state"), "max", &v).ok());
  CHECK(v == 50);
  CHECK(TrimSysfsValue(ReadFixture("sys/class/thermal/thermal_zone1/type")) == "x86_pkg_temp");
}

TEST_CASE("thermal values: truncated, missing and bad numbers", "[agent][thermal_zone]") {
  int64_t v = 0;
  SECTION("cut before the newline still parses") {
    REQUIRE(ParseSysfsInt("2780", "t", &v).ok());
    CHECK(v == 2780);
  }
  SECTION("empty file (nothing read)") {
    CHECK(ParseSysfsInt("\n", "/sys/x/temp", &v).message() == "/sys/x/temp: not an integer: \"\"");
  }
  SECTION("non-numeric") {
    CHECK(ParseSysfsInt("hot\n", "/sys/x/temp", &v).message() ==
          "/sys/x/temp: not an integer: \"hot\"");
    CHECK_FALSE(ParseSysfsInt("27.8\n", "t", &v).ok());
  }
  SECTION("overflow") {
    CHECK(ParseSysfsInt("9223372036854775808\n", "/sys/x/temp", &v).message() ==
          "/sys/x/temp: not an integer: \"9223372036854775808\"");
    REQUIRE(ParseSysfsInt("-9223372036854775808\n", "t", &v).ok());
  }
}

TEST_CASE("ThermalIndex matches procfs' globs", "[agent][thermal_zone]") {
  absl::string_view index;
  REQUIRE(ThermalIndex("thermal_zone12", "thermal_zone", &index));
  CHECK(index == "12");
  REQUIRE(ThermalIndex("cooling_device0", "cooling_device", &index));
  CHECK(index == "0");
  CHECK_FALSE(ThermalIndex("thermal_zone", "thermal_zone", &index));
  CHECK_FALSE(ThermalIndex("thermal_zonex", "thermal_zone", &index));
  CHECK_FALSE(ThermalIndex("cooling_device0", "thermal_zone", &index));
}

}  // namespace
}  // namespace hostmon::agent
