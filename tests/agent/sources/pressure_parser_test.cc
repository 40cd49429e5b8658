// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/pressure/pressure_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParsePsi reads some and full totals from the fixtures", "[agent][pressure]") {
  PsiTotals t;
  REQUIRE(ParsePsi(ReadFixture("proc/pressure/io"), "io", &t).ok());
  CHECK(t.has_some);
  CHECK(t.has_full);
  CHECK(t.some_us == 4351211);
  CHECK(t.full_us == 4026982);

  REQUIRE(ParsePsi(ReadFixture("proc/pressure/memory"), "memory", &t).ok());
  CHECK(t.some_us == 1523411);
  CHECK(t.full_us == 873204);

  REQUIRE(ParsePsi(ReadFixture("proc/pressure/cpu"), "cpu", &t).ok());
  CHECK(t.some_us == 114201963);

  // irq has only a "full" line.
  REQUIRE(ParsePsi(ReadFixture("proc/pressure/irq"), "irq", &t).ok());
  CHECK_FALSE(t.has_some);
  CHECK(t.has_full);
  CHECK(t.full_us == 21873);
}

TEST_CASE("ParsePsi rejects broken input", "[agent][pressure]") {
  PsiTotals t;
  SECTION("empty") {
    const absl::Status status = ParsePsi("", "/p/io", &t);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/p/io: no \"some\" or \"full\" line in 0 lines");
  }
  SECTION("truncated before total=") {
    const absl::Status status = ParsePsi("some avg10=0.00 avg60=0.00 avg300", "/p/io", &t);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "/p/io line 1 (\"some avg10=0.00 avg60=0.00 avg300\"): no \"total=\" field");
  }
  SECTION("truncated inside total=") {
    CHECK(absl::IsInvalidArgument(ParsePsi("some avg10=0.00 total=", "/p/io", &t)));
  }
  SECTION("non-numeric total") {
    CHECK(absl::IsInvalidArgument(
        ParsePsi("full avg10=0.00 avg60=0.00 avg300=0.00 total=12a\n", "/p/io", &t)));
  }
  SECTION("total beyond uint64") {
    CHECK(absl::IsInvalidArgument(
        ParsePsi("some avg10=0.00 total=18446744073709551616\n", "/p/io", &t)));
  }
}

}  // namespace
}  // namespace hostmon::agent
