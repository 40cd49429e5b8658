// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/schedstat/schedstat_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseSchedstat reads the cpu lines of the fixture", "[agent][schedstat]") {
  const std::string text = ReadFixture("proc/schedstat");
  std::vector<SchedstatCpu> cpus;
  const absl::Status status = ParseSchedstat(text, &cpus);
  INFO(status.ToString());
  REQUIRE(status.ok());
  REQUIRE(cpus.size() == 4);
  CHECK(cpus[0].cpu == "0");
  CHECK(cpus[0].running_ns == 2398764121389);
  CHECK(cpus[0].waiting_ns == 131852940451);
  CHECK(cpus[0].timeslices == 389245);
  CHECK(cpus[3].cpu == "3");
  CHECK(cpus[3].timeslices == 377096);
}

TEST_CASE("ParseSchedstat rejects broken input", "[agent][schedstat]") {
  std::vector<SchedstatCpu> cpus;
  SECTION("truncated cpu line") {
    const absl::Status status = ParseSchedstat("version 15\ncpu0 0 0 0 0 0 0 2398764121389", &cpus);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "/proc/schedstat line 2 (\"cpu0 0 0 0 0 0 0 2398764121389\"): expected at least 9 "
          "numbers, got 7");
  }
  SECTION("cpu without a number") {
    CHECK(absl::IsInvalidArgument(ParseSchedstat("cpuX 0 0 0 0 0 0 1 2 3\n", &cpus)));
  }
  SECTION("non-numeric running time") {
    CHECK(absl::IsInvalidArgument(ParseSchedstat("cpu0 0 0 0 0 0 0 1x 2 3\n", &cpus)));
  }
  SECTION("timeslices beyond uint64") {
    CHECK(absl::IsInvalidArgument(
        ParseSchedstat("cpu0 0 0 0 0 0 0 1 2 18446744073709551616\n", &cpus)));
  }
}

}  // namespace
}  // namespace hostmon::agent
