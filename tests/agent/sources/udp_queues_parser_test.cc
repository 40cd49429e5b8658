// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/udp_queues/udp_queues_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

constexpr char kHeader[] =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode ref pointer drops\n";

TEST_CASE("ParseUdpQueues sums the fixture's queues", "[agent][udp_queues]") {
  UdpQueues queues;
  REQUIRE(ParseUdpQueues(ReadFixture("proc/net/udp"), "/proc/net/udp", &queues).ok());
  CHECK(queues.tx_bytes == 0x340);
  CHECK(queues.rx_bytes == 0xA00);
  // Each file is summed on its own: the v6 totals do not include the v4 ones.
  REQUIRE(ParseUdpQueues(ReadFixture("proc/net/udp6"), "/proc/net/udp6", &queues).ok());
  CHECK(queues.tx_bytes == 0x100);
  CHECK(queues.rx_bytes == 0x300);
}

TEST_CASE("ParseUdpQueues on truncated input", "[agent][udp_queues]") {
  UdpQueues queues;
  SECTION("empty") {
    CHECK(ParseUdpQueues("", "/proc/net/udp", &queues).message() ==
          "/proc/net/udp line 1: expected the header line");
  }
  SECTION("header only is no sockets") {
    queues.tx_bytes = 7;
    REQUIRE(ParseUdpQueues(kHeader, "/proc/net/udp", &queues).ok());
    CHECK(queues.tx_bytes == 0);
    CHECK(queues.rx_bytes == 0);
  }
  SECTION("cut before the queues (missing field)") {
    CHECK(ParseUdpQueues(std::string(kHeader) + "  245: 00000000:0044 00000000:0000 07",
                         "/proc/net/udp", &queues)
              .message() == "/proc/net/udp line 2: expected at least 5 columns, got 4");
  }
  SECTION("cut inside the queues") {
    CHECK(ParseUdpQueues(std::string(kHeader) + "  245: 00000000:0044 00000000:0000 07 00000000",
                         "/proc/net/udp6", &queues)
              .message() == "/proc/net/udp6 line 2: bad tx_queue:rx_queue \"00000000\"");
  }
}

TEST_CASE("ParseUdpQueues rejects bad hex", "[agent][udp_queues]") {
  UdpQueues queues;
  const std::string prefix = std::string(kHeader) + "  245: 00000000:0044 00000000:0000 07 ";
  CHECK(ParseUdpQueues(prefix + "0000000x:00000000 00:00000000\n", "/proc/net/udp", &queues)
            .message() == "/proc/net/udp line 2: bad tx_queue:rx_queue \"0000000x:00000000\"");
  CHECK(ParseUdpQueues(prefix + "00000000:-0000001 00:00000000\n", "/proc/net/udp", &queues)
            .message() == "/proc/net/udp line 2: bad tx_queue:rx_queue \"00000000:-0000001\"");
  CHECK(
      ParseUdpQueues(prefix + "00000000:10000000000000000\n", "/proc/net/udp", &queues).message() ==
      "/proc/net/udp line 2: bad tx_queue:rx_queue \"00000000:10000000000000000\"");
  CHECK(ParseUdpQueues(prefix + ":00000000\n", "/proc/net/udp", &queues).message() ==
        "/proc/net/udp line 2: bad tx_queue:rx_queue \":00000000\"");
}

}  // namespace
}  // namespace hostmon::agent
