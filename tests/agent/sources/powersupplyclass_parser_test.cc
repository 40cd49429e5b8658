// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/powersupplyclass/powersupplyclass_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("power_supply attributes from the fixture", "[agent][powersupplyclass]") {
  const std::string bat = "sys/class/power_supply/BAT0/";
  int64_t v = 0;
  REQUIRE(ParsePowerSupplyInt(ReadFixture(bat + "voltage_now"), "voltage_now", &v).ok());
  CHECK(v == 12014000);
  REQUIRE(ParsePowerSupplyInt(ReadFixture(bat + "temp"), "temp", &v).ok());
  CHECK(v == 295);
  REQUIRE(ParsePowerSupplyInt(ReadFixture("sys/class/power_supply/AC/online"), "online", &v).ok());
  CHECK(v == 1);
  CHECK(PowerSupplyText(ReadFixture(bat + "serial_number")) == "1234");
  CHECK(PowerSupplyText(ReadFixture(bat + "status")) == "Discharging");

  const PowerSupplyAttribute* a = FindPowerSupplyAttribute("voltage_now");
  REQUIRE(a != nullptr);
  CHECK(a->metric == "voltage_volt");
  CHECK(a->divisor == 1e6);
  a = FindPowerSupplyAttribute("cycle_count");
  REQUIRE(a != nullptr);
  CHECK(a->metric == "cyclecount");
  a = FindPowerSupplyAttribute("temp_ambient");
  REQUIRE(a != nullptr);
  CHECK(a->divisor == 10);
  REQUIRE(FindPowerSupplyAttribute("model_name") != nullptr);
  CHECK(FindPowerSupplyAttribute("model_name")->info);
  CHECK(FindPowerSupplyAttribute("uevent") == nullptr);
  CHECK(FindPowerSupplyAttribute("alarm") == nullptr);
  CHECK(FindPowerSupplyAttribute("temp_ambient_alert_max") == nullptr);
}

TEST_CASE("power_supply numbers: truncated, missing and bad", "[agent][powersupplyclass]") {
  int64_t v = 0;
  SECTION("cut before the newline") {
    REQUIRE(ParsePowerSupplyInt("7", "f", &v).ok());
    CHECK(v == 7);
  }
  SECTION("empty") {
    CHECK(ParsePowerSupplyInt("\n", "/sys/BAT0/capacity", &v).message() ==
          "/sys/BAT0/capacity: not an integer: \"\"");
  }
  SECTION("non-numeric") {
    CHECK(ParsePowerSupplyInt("full\n", "f", &v).message() == "f: not an integer: \"full\"");
  }
  SECTION("overflow") {
    CHECK(ParsePowerSupplyInt("9223372036854775808\n", "f", &v).message() ==
          "f: not an integer: \"9223372036854775808\"");
  }
  SECTION("negative current while discharging") {
    REQUIRE(ParsePowerSupplyInt("-1402000\n", "f", &v).ok());
    CHECK(v == -1402000);
  }
}

}  // namespace
}  // namespace hostmon::agent
