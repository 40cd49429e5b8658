// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpufreq/cpufreq_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "common/text_parse.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("cpufreq files parse with ParseUint64File", "[agent][cpufreq]") {
  uint64_t khz = 0;
  REQUIRE(common::ParseUint64File(
              ReadFixture("sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"), "f", &khz)
              .ok());
  CHECK(khz == 3600000);
  REQUIRE(common::ParseUint64File(
              ReadFixture("sys/devices/system/cpu/cpu3/cpufreq/scaling_cur_freq"), "f", &khz)
              .ok());
  CHECK(khz == 2037034);
}

TEST_CASE("ParseUint64File rejects broken cpufreq files", "[agent][cpufreq]") {
  uint64_t khz = 0;
  SECTION("empty (truncated)") {
    const absl::Status status = common::ParseUint64File("", "/c/scaling_cur_freq", &khz);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/c/scaling_cur_freq: expected one number, got 0 fields");
  }
  SECTION("driver placeholder") {
    CHECK(absl::IsInvalidArgument(common::ParseUint64File("<unknown>\n", "f", &khz)));
  }
  SECTION("two values") {
    CHECK(absl::IsInvalidArgument(common::ParseUint64File("1 2\n", "f", &khz)));
  }
  SECTION("beyond uint64") {
    CHECK(absl::IsInvalidArgument(common::ParseUint64File("18446744073709551616\n", "f", &khz)));
  }
}

TEST_CASE("CpuDirNumber accepts only cpu<N>", "[agent][cpufreq]") {
  CHECK(CpuDirNumber("cpu0") == "0");
  CHECK(CpuDirNumber("cpu17") == "17");
  CHECK(CpuDirNumber("cpufreq").empty());
  CHECK(CpuDirNumber("cpuidle").empty());
  CHECK(CpuDirNumber("cpu").empty());
  CHECK(CpuDirNumber("online").empty());
}

}  // namespace
}  // namespace hostmon::agent
