// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "common/text_parse.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("entropy files parse with ParseUint64File", "[agent][entropy]") {
  uint64_t value = 0;
  REQUIRE(
      common::ParseUint64File(ReadFixture("proc/sys/kernel/random/entropy_avail"), "avail", &value)
          .ok());
  CHECK(value == 256);
  value = 0;
  REQUIRE(
      common::ParseUint64File(ReadFixture("proc/sys/kernel/random/poolsize"), "poolsize", &value)
          .ok());
  CHECK(value == 256);
  REQUIRE(common::ParseUint64File("3871", "f", &value).ok());  // no trailing newline
  CHECK(value == 3871);
}

TEST_CASE("ParseUint64File rejects broken entropy files", "[agent][entropy]") {
  uint64_t value = 0;
  SECTION("empty (a truncated read)") {
    const absl::Status status = common::ParseUint64File("", "entropy_avail", &value);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "entropy_avail: expected one number, got 0 fields");
  }
  SECTION("two numbers") {
    CHECK(absl::IsInvalidArgument(common::ParseUint64File("256 4096\n", "f", &value)));
  }
  SECTION("non-numeric") {
    const absl::Status status = common::ParseUint64File("25six\n", "entropy_avail", &value);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(absl::StartsWith(status.message(), "entropy_avail: "));
  }
  SECTION("negative") {
    CHECK(absl::IsInvalidArgument(common::ParseUint64File("-1\n", "f", &value)));
  }
  SECTION("beyond uint64") {
    CHECK(absl::IsInvalidArgument(common::ParseUint64File("18446744073709551616\n", "f", &value)));
  }
}

}  // namespace
}  // namespace hostmon::agent
