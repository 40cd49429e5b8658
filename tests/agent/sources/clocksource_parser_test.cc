// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/time/clocksource_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseClocksources reads the fixture", "[agent][time]") {
  common::Fields names;
  const std::string available =
      ReadFixture("sys/devices/system/clocksource/clocksource0/available_clocksource");
  REQUIRE(ParseClocksources(available, "available", false, &names).ok());
  REQUIRE(names.size() == 2);
  CHECK(names[0] == "tsc");
  CHECK(names[1] == "kvm-clock");
  const std::string current =
      ReadFixture("sys/devices/system/clocksource/clocksource0/current_clocksource");
  REQUIRE(ParseClocksources(current, "current", true, &names).ok());
  REQUIRE(names.size() == 1);
  CHECK(names[0] == "tsc");
}

TEST_CASE("ParseClocksources rejects broken input", "[agent][time]") {
  common::Fields names;
  SECTION("empty (truncated)") {
    const absl::Status status = ParseClocksources("", "/c/current_clocksource", true, &names);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/c/current_clocksource: no clocksource");
  }
  SECTION("two current clocksources") {
    CHECK(absl::IsInvalidArgument(ParseClocksources("tsc hpet\n", "c", true, &names)));
  }
}

TEST_CASE("ClocksourceDevice takes the number of clocksource<N>", "[agent][time]") {
  CHECK(ClocksourceDevice("clocksource0") == "0");
  CHECK(ClocksourceDevice("clocksource12") == "12");
  CHECK(ClocksourceDevice("clocksource").empty());
  CHECK(ClocksourceDevice("clocksourcex").empty());
  CHECK(ClocksourceDevice("power").empty());
}

}  // namespace
}  // namespace hostmon::agent
