// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/rapl/rapl_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

std::string Split(absl::string_view name) {
  absl::string_view base;
  int index = 0;
  absl::Status status = SplitRaplName(name, "name", &base, &index);
  if (!status.ok()) return std::string(status.message());
  return std::string(base) + "|" + std::to_string(index);
}

TEST_CASE("RAPL zones from the fixture", "[agent][rapl]") {
  uint64_t uj = 0;
  REQUIRE(ParseRaplEnergy(ReadFixture("sys/class/powercap/intel-rapl:0/energy_uj"), "e", &uj).ok());
  CHECK(uj == 143226000000);
  REQUIRE(
      ParseRaplEnergy(ReadFixture("sys/class/powercap/intel-rapl:0:2/energy_uj"), "e", &uj).ok());
  CHECK(uj == 9871234567);
  CHECK(Split("package-0") == "package|0");
  CHECK(Split("package-1") == "package|1");
  CHECK(Split("core") == "core|-1");
  CHECK(Split("psys") == "psys|-1");
}

TEST_CASE("RAPL names and numbers: bad input", "[agent][rapl]") {
  uint64_t uj = 0;
  SECTION("cut before the newline") {
    REQUIRE(ParseRaplEnergy("12", "e", &uj).ok());
    CHECK(uj == 12);
  }
  SECTION("empty energy_uj") {
    CHECK(ParseRaplEnergy("\n", "/sys/x/energy_uj", &uj).message() ==
          "/sys/x/energy_uj: not an unsigned integer: \"\"");
  }
  SECTION("non-numeric and overflow") {
    CHECK_FALSE(ParseRaplEnergy("lots\n", "e", &uj).ok());
    CHECK(ParseRaplEnergy("18446744073709551616\n", "e", &uj).message() ==
          "e: integer out of range: \"18446744073709551616\"");
  }
  SECTION("a two-part name needs a numeric index") {
    CHECK(Split("package-x") == "name: not an integer: \"x\"");
    CHECK(Split("package-99999999999") == "name: zone index out of range: \"package-99999999999\"");
    CHECK(Split("a-b-c") == "a-b-c|-1");
  }
}

}  // namespace
}  // namespace hostmon::agent
