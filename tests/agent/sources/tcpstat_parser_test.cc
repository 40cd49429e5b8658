// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/tcpstat/tcpstat_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

constexpr char kHeader[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n";

TEST_CASE("ParseTcpSockets counts the fixture's sockets by state", "[agent][tcpstat]") {
  TcpStats stats;
  REQUIRE(ParseTcpSockets(ReadFixture("proc/net/tcp"), "/proc/net/tcp", &stats).ok());
  CHECK(stats.total == 4);
  CHECK(stats.sockets[10] == 2);  // listen
  CHECK(stats.sockets[6] == 1);   // time_wait
  CHECK(stats.sockets[1] == 1);   // established
  CHECK(stats.tx_queued_bytes == 0x100);
  CHECK(stats.rx_queued_bytes == 0x20);
  REQUIRE(ParseTcpSockets(ReadFixture("proc/net/tcp6"), "/proc/net/tcp6", &stats).ok());
  CHECK(stats.total == 6);
  CHECK(stats.sockets[8] == 1);  // close_wait
  CHECK(stats.sockets[10] == 3);
  CHECK(stats.rx_queued_bytes == 0x25);
}

TEST_CASE("TcpStateName matches node_exporter's labels", "[agent][tcpstat]") {
  CHECK(TcpStateName(1) == "established");
  CHECK(TcpStateName(4) == "fin_wait1");
  CHECK(TcpStateName(8) == "close_wait");
  CHECK(TcpStateName(11) == "closing");
  CHECK(TcpStateName(0).empty());
  CHECK(TcpStateName(12).empty());
}

TEST_CASE("ParseTcpSockets on truncated input", "[agent][tcpstat]") {
  TcpStats stats;
  SECTION("empty") {
    CHECK(ParseTcpSockets("", "/proc/net/tcp", &stats).message() ==
          "/proc/net/tcp line 1: expected the header line");
  }
  SECTION("header only") {
    REQUIRE(ParseTcpSockets(kHeader, "/proc/net/tcp", &stats).ok());
    CHECK(stats.total == 0);
  }
  SECTION("cut before the queues") {
    CHECK(ParseTcpSockets(std::string(kHeader) + "   0: 0100007F:4AA7 00000000:0000 0A",
                          "/proc/net/tcp", &stats)
              .message() == "/proc/net/tcp line 2: expected at least 5 columns, got 4");
  }
  SECTION("cut inside the queues") {
    CHECK(ParseTcpSockets(std::string(kHeader) + "   0: 0100007F:4AA7 00000000:0000 0A 00000000",
                          "/proc/net/tcp6", &stats)
              .message() == "/proc/net/tcp6 line 2: bad tx_queue:rx_queue \"00000000\"");
  }
}

TEST_CASE("ParseTcpSockets rejects bad numbers", "[agent][tcpstat]") {
  TcpStats stats;
  const std::string prefix = std::string(kHeader) + "   0: 0100007F:4AA7 00000000:0000 ";
  CHECK(ParseTcpSockets(prefix + "0Z 00000000:00000000\n", "/proc/net/tcp", &stats).message() ==
        "/proc/net/tcp line 2: bad state \"0Z\"");
  CHECK(ParseTcpSockets(prefix + "0C 00000000:00000000\n", "/proc/net/tcp", &stats).message() ==
        "/proc/net/tcp line 2: bad state \"0C\"");
  CHECK(ParseTcpSockets(prefix + "01 0000000x:00000000\n", "/proc/net/tcp", &stats).message() ==
        "/proc/net/tcp line 2: bad tx_queue:rx_queue \"0000000x:00000000\"");
  CHECK(ParseTcpSockets(prefix + "01 00000000:10000000000000000\n", "/proc/net/tcp", &stats)
            .message() ==
        "/proc/net/tcp line 2: bad tx_queue:rx_queue \"00000000:10000000000000000\"");
}

}  // namespace
}  // namespace hostmon::agent
