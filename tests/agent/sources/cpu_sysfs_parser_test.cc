// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpu_sysfs_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

namespace hostmon::agent {
namespace {

std::vector<uint32_t> List(absl::string_view text) {
  std::vector<uint32_t> ids = {42};  // cleared first
  const absl::Status status = ParseCpuList(text, "isolated", &ids);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return ids;
}

TEST_CASE("ParseCpuList reads kernel cpulists as procfs' parseCPURange", "[agent][cpu]") {
  CHECK(List("1,3-5,9\n") == std::vector<uint32_t>{1, 3, 4, 5, 9});
  CHECK(List("\n").empty());  // no isolcpus=
  CHECK(List("").empty());
  CHECK(List("0-0").empty() == false);
  CHECK(List("7").size() == 1);
  CHECK(List("2,,4,") == std::vector<uint32_t>{2, 4});  // empty items skipped
  CHECK(List("5-3").empty());                           // end below start: nothing
  CHECK(List("65535") == std::vector<uint32_t>{65535});
}

TEST_CASE("ParseCpuList rejects bad items, naming the file", "[agent][cpu]") {
  std::vector<uint32_t> ids;
  CHECK(ParseCpuList("1,x\n", "/sys/devices/system/cpu/isolated", &ids).message() ==
        "/sys/devices/system/cpu/isolated: invalid cpu \"x\" (want N or N-M, N < 65536)");
  CHECK(ParseCpuList("1-2-3", "isolated", &ids).message() ==
        "isolated: invalid cpu range \"1-2-3\" (want N-M, N, M < 65536)");
  CHECK_FALSE(ParseCpuList("-3", "isolated", &ids).ok());
  CHECK_FALSE(ParseCpuList("3-", "isolated", &ids).ok());
  CHECK_FALSE(ParseCpuList(" 1", "isolated", &ids).ok());
  CHECK_FALSE(ParseCpuList("1\n\n", "isolated", &ids).ok());  // only one newline is dropped
  // Bounded: an id past 16 bits (a range of billions of CPUs) is refused, not expanded.
  CHECK_FALSE(ParseCpuList("0-4000000000", "isolated", &ids).ok());
  CHECK_FALSE(ParseCpuList("65536", "isolated", &ids).ok());
}

TEST_CASE("ParseCpuSysfsUint reads topology and throttle files", "[agent][cpu]") {
  uint64_t v = 0;
  REQUIRE(ParseCpuSysfsUint("12\n", &v));
  CHECK(v == 12);
  REQUIRE(ParseCpuSysfsUint(" 0 ", &v));
  CHECK(v == 0);
  CHECK_FALSE(ParseCpuSysfsUint("", &v));
  CHECK_FALSE(ParseCpuSysfsUint("\n", &v));
  CHECK_FALSE(ParseCpuSysfsUint("-1\n", &v));
  CHECK_FALSE(ParseCpuSysfsUint("1 2\n", &v));
  CHECK_FALSE(ParseCpuSysfsUint("99999999999999999999\n", &v));
}

}  // namespace
}  // namespace hostmon::agent
