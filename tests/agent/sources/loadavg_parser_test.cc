// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/loadavg/loadavg_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseLoadavg reads the three load averages of the fixture", "[agent][loadavg]") {
  LoadAvg load;
  const absl::Status status = ParseLoadavg(ReadFixture("proc/loadavg"), &load);
  INFO(status.ToString());
  REQUIRE(status.ok());
  CHECK(load.load1 == 1.27);
  CHECK(load.load5 == 0.89);
  CHECK(load.load15 == 0.61);
}

TEST_CASE("ParseLoadavg accepts the documented sample and unusual but valid spacing",
          "[agent][loadavg]") {
  LoadAvg load;
  REQUIRE(ParseLoadavg("0.52 0.58 0.59 2/1127 12345\n", &load).ok());
  CHECK(load.load1 == 0.52);
  CHECK(load.load5 == 0.58);
  CHECK(load.load15 == 0.59);

  // Only the averages are needed, so a line with just them, tabs, and no newline is fine.
  REQUIRE(ParseLoadavg("12.00\t7\t153.25", &load).ok());
  CHECK(load.load1 == 12.0);
  CHECK(load.load5 == 7.0);
  CHECK(load.load15 == 153.25);

  // Lines after the first are not part of the format and are not looked at.
  REQUIRE(ParseLoadavg("1.00 2.00 3.00 1/1 1\ngarbage\n", &load).ok());
  CHECK(load.load15 == 3.0);
}

TEST_CASE("ParseLoadavg on a file cut mid-line", "[agent][loadavg]") {
  const std::string fixture = ReadFixture("proc/loadavg");
  REQUIRE(fixture == "1.27 0.89 0.61 3/412 28411\n");
  LoadAvg load;

  SECTION("cut inside the second average is an error") {
    const absl::Status status = ParseLoadavg(fixture.substr(0, 8), &load);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "/proc/loadavg (\"1.27 0.8\"): expected at least 3 fields (load1 load5 load15), got 2");
  }
  SECTION("cut after the third average's decimal point is an error") {
    const absl::Status status = ParseLoadavg(fixture.substr(0, 12), &load);
    CHECK(status.message() ==
          "/proc/loadavg (\"1.27 0.89 0.\"): load15: not a non-negative decimal: \"0.\"");
  }
  SECTION("cut inside the third average cannot be detected") {
    REQUIRE(ParseLoadavg(fixture.substr(0, 13), &load).ok());
    CHECK(load.load15 == 0.6);
  }
  SECTION("cut after the averages parses them") {
    REQUIRE(ParseLoadavg(fixture.substr(0, 18), &load).ok());
    CHECK(load.load1 == 1.27);
    CHECK(load.load5 == 0.89);
    CHECK(load.load15 == 0.61);
  }
}

TEST_CASE("ParseLoadavg rejects empty input and missing fields", "[agent][loadavg]") {
  LoadAvg load;
  const absl::Status empty = ParseLoadavg("", &load);
  CHECK(absl::IsInvalidArgument(empty));
  CHECK(empty.message() == "/proc/loadavg: input is empty");
  CHECK(ParseLoadavg("\n", &load).message() ==
        "/proc/loadavg (\"\"): expected at least 3 fields (load1 load5 load15), got 0");
  CHECK(ParseLoadavg("   \n", &load).message() ==
        "/proc/loadavg (\"   \"): expected at least 3 fields (load1 load5 load15), got 0");
  // The averages must be on the first line.
  CHECK(ParseLoadavg("0.10\n0.20 0.30\n", &load).message() ==
        "/proc/loadavg (\"0.10\"): expected at least 3 fields (load1 load5 load15), got 1");
}

TEST_CASE("ParseLoadavg rejects averages the kernel cannot print", "[agent][loadavg]") {
  LoadAvg load;
  SECTION("non-numeric, named by field") {
    const absl::Status status = ParseLoadavg("0.52 abc 0.59 2/1127 12345\n", &load);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "/proc/loadavg (\"0.52 abc 0.59 2/1127 12345\"): load5: not a non-negative decimal: "
          "\"abc\"");
  }
  SECTION("forms a generic double parser would accept") {
    const std::string bad = GENERATE(as<std::string>(), "nan", "inf", "-1.00", "+1.00", "1e3",
                                     ".50", "1.", "0x10", "1,5");
    CAPTURE(bad);
    const absl::Status status = ParseLoadavg(bad + " 0.58 0.59 2/1127 12345\n", &load);
    CHECK(status.message() == "/proc/loadavg (\"" + bad +
                                  " 0.58 0.59 2/1127 12345\"): load1: not a non-negative "
                                  "decimal: \"" +
                                  bad + "\"");
  }
  SECTION("a value too large for a double") {
    const std::string huge(400, '9');
    const absl::Status status = ParseLoadavg("0.52 0.58 " + huge + "\n", &load);
    CHECK(status.message() == "/proc/loadavg (\"0.52 0.58 " + huge.substr(0, 70) +
                                  "...\"): load15: out of range for a double: \"" +
                                  huge.substr(0, 80) + "\"");
  }
  SECTION("values beyond 2^64 are still finite doubles") {
    // The kernel's fixed-point average cannot reach this, but it is not a parse error.
    REQUIRE(ParseLoadavg("18446744073709551616.00 0 0\n", &load).ok());
    CHECK(load.load1 == 18446744073709551616.0);
  }
}

TEST_CASE("ParseLoadavg benchmark on the fixture", "[.][benchmark][agent][loadavg]") {
  const std::string fixture = ReadFixture("proc/loadavg");
  LoadAvg load;
  BENCHMARK("ParseLoadavg") { return ParseLoadavg(fixture, &load).ok(); };
}

}  // namespace
}  // namespace hostmon::agent
