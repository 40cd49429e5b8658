// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/softnet/softnet_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

TEST_CASE("ParseSoftnet reads the hex counters of the fixture", "[agent][softnet]") {
  const std::string text = ReadFixture("proc/net/softnet_stat");
  std::vector<SoftnetLine> lines;
  const absl::Status status = ParseSoftnet(text, &lines);
  INFO(status.ToString());
  REQUIRE(status.ok());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].processed == 0x79a8);
  CHECK(lines[0].dropped == 0);
  CHECK(lines[1].processed == 0x7ced);
  CHECK(lines[1].dropped == 42);
  CHECK(lines[1].time_squeezed == 17);
  CHECK(lines[1].has_received_rps);
  CHECK(lines[1].has_flow_limit_count);
  CHECK(lines[1].received_rps == 0);
}

TEST_CASE("ParseSoftnet reads received_rps and flow_limit_count only when present",
          "[agent][softnet]") {
  std::vector<SoftnetLine> lines;
  REQUIRE(ParseSoftnet("1 2 3 0 0 0 0 0 0\n"           // 2.6.32: 9 columns
                       "1 2 3 0 0 0 0 0 0 0000001c\n"  // RPS, no flow limit: 10 columns
                       "1 2 3 0 0 0 0 0 0 0000001c 0000000b 0 0 0 0\n",
                       &lines)
              .ok());
  REQUIRE(lines.size() == 3);
  CHECK(!lines[0].has_received_rps);
  CHECK(!lines[0].has_flow_limit_count);
  CHECK(lines[1].has_received_rps);
  CHECK(lines[1].received_rps == 0x1c);
  CHECK(!lines[1].has_flow_limit_count);
  CHECK(lines[2].has_received_rps);
  CHECK(lines[2].received_rps == 0x1c);
  CHECK(lines[2].has_flow_limit_count);
  CHECK(lines[2].flow_limit_count == 0xb);
}

TEST_CASE("ParseSoftnet reads cpu_collision, backlog_len and the CPU id", "[agent][softnet]") {
  std::vector<SoftnetLine> lines;
  REQUIRE(ParseSoftnet("1 2 3 0 0 0 0 0 00000007\n"                        // 9 columns
                       "1 2 3 0 0 0 0 0 00000008 0 0 0000000c\n"           // 12: no id yet
                       "1 2 3 0 0 0 0 0 00000009 0 0 0000000d 00000005\n"  // 13: id 5
                       "1 2 3 0 0 0 0 0 0 0 0 0000000e 00000007 0 0\n",    // 15 (6.x): id 7
                       &lines)
              .ok());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].cpu_collision == 7);
  CHECK_FALSE(lines[0].has_backlog_len);
  CHECK(lines[0].cpu_index == 0);
  CHECK(lines[1].cpu_collision == 8);
  CHECK_FALSE(lines[1].has_backlog_len);
  CHECK(lines[1].cpu_index == 1);  // the line number without the id column
  CHECK(lines[2].has_backlog_len);
  CHECK(lines[2].backlog_len == 0xd);
  CHECK(lines[2].cpu_index == 5);
  CHECK(lines[3].backlog_len == 0xe);
  CHECK(lines[3].cpu_index == 7);
  CHECK(ParseSoftnet("1 2 3 0 0 0 0 0 0 0 0 0 zz\n", &lines).message() ==
        "/proc/net/softnet_stat line 1 column 13: not a hex number: \"zz\"");
  CHECK(ParseSoftnet("1 2 3 0 0 0 0 0 x9\n", &lines).message() ==
        "/proc/net/softnet_stat line 1 column 9: not a hex number: \"x9\"");
}

TEST_CASE("ParseSoftnet on truncated input", "[agent][softnet]") {
  std::vector<SoftnetLine> lines;
  SECTION("empty input is no CPUs") {
    REQUIRE(ParseSoftnet("", &lines).ok());
    CHECK(lines.empty());
  }
  SECTION("a line cut short") {
    CHECK(ParseSoftnet("00000001 00000002 00000003 0 0 0 0 0 0\n00000001 00000002", &lines)
              .message() == "/proc/net/softnet_stat line 2: expected at least 9 columns, got 2");
  }
}

TEST_CASE("ParseSoftnet rejects bad numbers", "[agent][softnet]") {
  std::vector<SoftnetLine> lines;
  SECTION("non-hex") {
    CHECK(ParseSoftnet("00000001 0000000g 0 0 0 0 0 0 0\n", &lines).message() ==
          "/proc/net/softnet_stat line 1 column 2: not a hex number: \"0000000g\"");
  }
  SECTION("overflow") {
    CHECK(ParseSoftnet("1 2 10000000000000000 0 0 0 0 0 0\n", &lines).message() ==
          "/proc/net/softnet_stat line 1 column 3: not a hex number: \"10000000000000000\"");
  }
  SECTION("non-hex received_rps") {
    CHECK(ParseSoftnet("1 2 3 0 0 0 0 0 0 1z\n", &lines).message() ==
          "/proc/net/softnet_stat line 1 column 10: not a hex number: \"1z\"");
  }
  SECTION("overflowing flow_limit_count") {
    CHECK(ParseSoftnet("1 2 3 0 0 0 0 0 0 1 10000000000000000\n", &lines).message() ==
          "/proc/net/softnet_stat line 1 column 11: not a hex number: \"10000000000000000\"");
  }
  SECTION("sign") { CHECK(!ParseSoftnet("-1 2 3 0 0 0 0 0 0\n", &lines).ok()); }
  SECTION("64-bit maximum fits") {
    REQUIRE(ParseSoftnet("ffffffffffffffff 2 3 0 0 0 0 0 0\n", &lines).ok());
    CHECK(lines[0].processed == 18446744073709551615u);
  }
}

}  // namespace
}  // namespace hostmon::agent
