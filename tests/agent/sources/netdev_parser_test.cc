// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netdev/netdev_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

constexpr absl::string_view kHeader =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n";

TEST_CASE("ParseNetDev reads every counter of the fixture", "[agent][netdev]") {
  const std::string text = ReadFixture("proc/net/dev");
  std::vector<NetDevLine> lines;
  const absl::Status status = ParseNetDev(text, &lines);
  INFO(status.ToString());
  REQUIRE(status.ok());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].device == "lo");
  CHECK(lines[0].values[0] == 38996273);
  CHECK(lines[3].device == "eth0");
  // eth0: 47023527 1639 3 7 1 2 0 12 | 86594 1179 4 5 0 6 1 0
  const std::array<uint64_t, kNetDevColumns> eth0 = {47023527, 1639, 3, 7, 1, 2, 0, 12,
                                                     86594,    1179, 4, 5, 0, 6, 1, 0};
  CHECK(lines[3].values == eth0);
  CHECK(kNetDevColumnNames[7] == "receive_multicast");
  CHECK(kNetDevColumnNames[13] == "transmit_colls");
}

TEST_CASE("ParseNetDev accepts a counter run into the colon", "[agent][netdev]") {
  std::vector<NetDevLine> lines;
  const std::string text =
      std::string(kHeader) + "eth1:18446744073709551615 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n";
  REQUIRE(ParseNetDev(text, &lines).ok());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].device == "eth1");
  CHECK(lines[0].values[0] == 18446744073709551615u);
  CHECK(lines[0].values[15] == 15);
}

TEST_CASE("ParseNetDev on truncated input", "[agent][netdev]") {
  std::vector<NetDevLine> lines;
  SECTION("empty file has no header") {
    CHECK(ParseNetDev("", &lines).message() == "/proc/net/dev line 1: expected the header line");
  }
  SECTION("one header line") {
    CHECK(ParseNetDev(kHeader.substr(0, kHeader.find('\n') + 1), &lines).message() ==
          "/proc/net/dev line 2: expected the header line");
  }
  SECTION("headers only is no devices") {
    REQUIRE(ParseNetDev(kHeader, &lines).ok());
    CHECK(lines.empty());
  }
  SECTION("line cut mid-counters") {
    const std::string text = std::string(kHeader) + "  eth0: 47023527    1639    3";
    CHECK(ParseNetDev(text, &lines).message() ==
          "/proc/net/dev line 3 (eth0): expected 16 counters, got 3");
  }
  SECTION("line cut in the name") {
    const std::string text = std::string(kHeader) + "  eth";
    CHECK(ParseNetDev(text, &lines).message() == "/proc/net/dev line 3: expected '<device>:'");
  }
}

TEST_CASE("ParseNetDev rejects bad counters", "[agent][netdev]") {
  std::vector<NetDevLine> lines;
  SECTION("non-numeric") {
    const std::string text = std::string(kHeader) + "eth0: 1 2 x 3 4 5 6 7 8 9 10 11 12 13 14 15\n";
    CHECK(ParseNetDev(text, &lines).message() ==
          "/proc/net/dev line 3 (eth0): receive_errs: not an unsigned integer: \"x\"");
  }
  SECTION("overflow") {
    const std::string text =
        std::string(kHeader) + "eth0: 1 2 3 4 5 6 7 8 18446744073709551616 9 10 11 12 13 14 15\n";
    CHECK(ParseNetDev(text, &lines).message() ==
          "/proc/net/dev line 3 (eth0): transmit_bytes: integer out of range: "
          "\"18446744073709551616\"");
  }
  SECTION("empty device name") {
    const std::string text = std::string(kHeader) + "  : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
    CHECK(ParseNetDev(text, &lines).message() == "/proc/net/dev line 3: empty device");
  }
  SECTION("an extra column") {
    const std::string text =
        std::string(kHeader) + "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n";
    CHECK(ParseNetDev(text, &lines).message() ==
          "/proc/net/dev line 3 (eth0): expected 16 counters, got 17");
  }
}

}  // namespace
}  // namespace hostmon::agent
