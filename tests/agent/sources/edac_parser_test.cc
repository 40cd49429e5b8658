// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_parser.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("EDAC counters from the fixture", "[agent][edac]") {
  uint64_t v = 0;
  const std::string mc0 = "sys/devices/system/edac/mc/mc0/";
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "ce_count"), "ce_count", &v).ok());
  CHECK(v == 5);
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "ue_count"), "ue_count", &v).ok());
  CHECK(v == 1);
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "csrow0/ce_count"), "ce_count", &v).ok());
  CHECK(v == 3);
  REQUIRE(ParseEdacCount(ReadFixture(mc0 + "ce_noinfo_count"), "x", &v).ok());
  CHECK(v == 1);
}

TEST_CASE("EDAC counters: truncated, missing and bad numbers", "[agent][edac]") {
  uint64_t v = 0;
  SECTION("cut before the newline") {
    REQUIRE(ParseEdacCount("12", "f", &v).ok());
    CHECK(v == 12);
  }
  SECTION("empty") {
    CHECK(ParseEdacCount("\n", "/sys/mc0/ce_count", &v).message() ==
          "/sys/mc0/ce_count: not an unsigned integer: \"\"");
  }
  SECTION("non-numeric and negative") {
    CHECK(ParseEdacCount("many\n", "f", &v).message() == "f: not an unsigned integer: \"many\"");
    CHECK_FALSE(ParseEdacCount("-1\n", "f", &v).ok());
  }
  SECTION("overflow") {
    CHECK(ParseEdacCount("18446744073709551616\n", "f", &v).message() ==
          "f: integer out of range: \"18446744073709551616\"");
  }
}

TEST_CASE("EdacIndex takes the digits after the prefix", "[agent][edac]") {
  absl::string_view index;
  REQUIRE(EdacIndex("mc12", "mc", &index));
  CHECK(index == "12");
  REQUIRE(EdacIndex("csrow3", "csrow", &index));
  CHECK(index == "3");
  CHECK_FALSE(EdacIndex("mc", "mc", &index));
  CHECK_FALSE(EdacIndex("mc_name", "mc", &index));
  CHECK_FALSE(EdacIndex("power", "mc", &index));
}

TEST_CASE("EdacChannel and CleanEdacDimmLabel follow node_exporter 1.12", "[agent][edac]") {
  absl::string_view ch;
  REQUIRE(EdacChannel("ch0_ce_count", &ch));
  CHECK(ch == "0");
  REQUIRE(EdacChannel("ch12_ce_count", &ch));
  CHECK(ch == "12");
  CHECK_FALSE(EdacChannel("ch_ce_count", &ch));
  CHECK_FALSE(EdacChannel("chx_ce_count", &ch));
  CHECK_FALSE(EdacChannel("ch0_ue_count", &ch));
  CHECK_FALSE(EdacChannel("ch0_dimm_label", &ch));
  CHECK_FALSE(EdacChannel("xch0_ce_count", &ch));  // outside the glob ch*_ce_count
  REQUIRE(EdacChannel("chx_ch3_ce_count", &ch));   // the regexp is unanchored
  CHECK(ch == "3");

  std::string label = "stale";
  CleanEdacDimmLabel("mc0csrow0channel0\n", &label);
  CHECK(label == "mc0_csrow0_channel0");
  CleanEdacDimmLabel("  CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 \n", &label);
  CHECK(label == "CPU_SrcID0_Ha0_Chan1_DIMM0");
  CleanEdacDimmLabel("cs#row", &label);  // '#' goes first, as in node_exporter
  CHECK(label == "_csrow");
  CleanEdacDimmLabel("", &label);
  CHECK(label.empty());
}

}  // namespace
}  // namespace hostmon::agent
