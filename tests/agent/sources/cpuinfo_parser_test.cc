// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpuinfo_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseCpuInfo reads the fixture's x86 blocks", "[agent][cpu]") {
  const std::string text = testing::ReadFixture("proc/cpuinfo");
  std::vector<CpuInfoEntry> cpus;
  const absl::Status status = ParseCpuInfo(text, &cpus);
  INFO(status.ToString());
  REQUIRE(status.ok());
  REQUIRE(cpus.size() == 4);
  CHECK(cpus[0].processor == "0");
  CHECK(cpus[0].vendor == "AuthenticAMD");
  CHECK(cpus[0].family == "25");
  CHECK(cpus[0].model == "1");
  CHECK(cpus[0].model_name == "AMD EPYC");
  CHECK(cpus[0].stepping == "1");
  CHECK(cpus[0].microcode == "0x1000065");
  CHECK(cpus[0].cache_size == "512 KB");
  CHECK(cpus[0].physical_id == "0");
  CHECK(cpus[3].processor == "3");
  CHECK(cpus[3].core_id == "1");
  CHECK(absl::StartsWith(cpus[0].flags, "fpu vme de"));
  CHECK(absl::StartsWith(cpus[0].bugs, "sysret_ss_attrs spectre_v1"));
}

TEST_CASE("ParseCpuInfo: key and value rules, truncated and bad input", "[agent][cpu]") {
  std::vector<CpuInfoEntry> cpus;
  SECTION("values keep their text; lines without ': ' are skipped") {
    REQUIRE(ParseCpuInfo("\n\nprocessor\t: 7\nmodel name\t: A  B \npower management:\n"
                         "vendor: X\nflags\t\t:\n",
                         &cpus)
                .ok());
    REQUIRE(cpus.size() == 1);
    CHECK(cpus[0].processor == "7");
    CHECK(cpus[0].model_name == "A  B ");
    CHECK(cpus[0].vendor == "X");  // ARM-style "vendor" key, as procfs
    CHECK(cpus[0].flags.empty());
  }
  SECTION("empty input is no CPUs") {
    REQUIRE(ParseCpuInfo("", &cpus).ok());
    CHECK(cpus.empty());
  }
  SECTION("a file cut inside a block keeps what was read") {
    REQUIRE(ParseCpuInfo("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel na", &cpus).ok());
    REQUIRE(cpus.size() == 1);
    CHECK(cpus[0].model_name.empty());
  }
  SECTION("first line not a processor line") {
    CHECK(ParseCpuInfo("vendor_id\t: GenuineIntel\n", &cpus).message() ==
          "/proc/cpuinfo: first line is not a \"processor\" line: \"vendor_id\t: GenuineIntel\"");
  }
  SECTION("bad processor number") {
    CHECK(ParseCpuInfo("processor\t: 0\n\nprocessor\t: x1\n", &cpus).message() ==
          "/proc/cpuinfo: processor \"x1\" is not a CPU number");
    CHECK_FALSE(ParseCpuInfo("processor\t: 99999999999\n", &cpus).ok());
  }
}

}  // namespace
}  // namespace hostmon::agent
