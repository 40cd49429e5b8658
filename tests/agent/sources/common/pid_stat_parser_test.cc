// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/pid_stat_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParsePidStat reads state and thread count from the fixtures", "[agent][processes]") {
  PidStat stat;
  REQUIRE(ParsePidStat(ReadFixture("proc/1/stat"), "1", &stat).ok());
  CHECK(stat.state == 'S');
  CHECK(stat.num_threads == 3);
  REQUIRE(ParsePidStat(ReadFixture("proc/1/task/60/stat"), "60", &stat).ok());
  CHECK(stat.state == 'R');
  // A command name with spaces and parentheses.
  REQUIRE(ParsePidStat(ReadFixture("proc/4242/stat"), "4242", &stat).ok());
  CHECK(stat.state == 'Z');
  CHECK(stat.num_threads == 1);
}

TEST_CASE("ParsePidStat rejects broken input", "[agent][processes]") {
  PidStat stat;
  SECTION("truncated before num_threads") {
    const absl::Status status = ParsePidStat(
        "1 (init) S 0 0 0 0 -1 4194560 62410 26756345 0 797 347 923", "/p/1/stat", &stat);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/p/1/stat: expected at least 20 fields, got 15");
  }
  SECTION("no closing parenthesis") {
    CHECK(absl::IsInvalidArgument(ParsePidStat("1 (init S 0 0", "f", &stat)));
  }
  SECTION("empty") { CHECK(absl::IsInvalidArgument(ParsePidStat("", "f", &stat))); }
  SECTION("state of two characters") {
    CHECK(absl::IsInvalidArgument(ParsePidStat(
        "1 (init) SS 0 0 0 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 10 0 0\n", "f", &stat)));
  }
  SECTION("non-numeric num_threads") {
    CHECK(absl::IsInvalidArgument(ParsePidStat(
        "1 (init) S 0 0 0 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 x1 0 10 0 0\n", "f", &stat)));
  }
  SECTION("num_threads beyond uint64") {
    CHECK(absl::IsInvalidArgument(ParsePidStat(
        "1 (init) S 0 0 0 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 18446744073709551616 0 10 0 0\n", "f",
        &stat)));
  }
}

}  // namespace
}  // namespace hostmon::agent
