// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/sockstat/sockstat_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

TEST_CASE("ParseSockstat reads sockstat and sockstat6", "[agent][sockstat]") {
  const std::string v4 = ReadFixture("proc/net/sockstat");
  const std::string v6 = ReadFixture("proc/net/sockstat6");
  std::vector<SockstatValue> values;
  REQUIRE(ParseSockstat(v4, "/proc/net/sockstat", &values).ok());
  REQUIRE(values.size() == 12);
  CHECK(values[0].protocol == "sockets");
  CHECK(values[0].key == "used");
  CHECK(values[0].value == 15);
  CHECK(values[5].protocol == "TCP");
  CHECK(values[5].key == "mem");
  CHECK(values[5].value == 39);
  CHECK(values[11].protocol == "FRAG");
  CHECK(values[11].key == "memory");
  REQUIRE(ParseSockstat(v6, "/proc/net/sockstat6", &values).ok());
  REQUIRE(values.size() == 18);  // appended
  CHECK(values[12].protocol == "TCP6");
  CHECK(values[17].key == "memory");
}

TEST_CASE("ParseSockstat on truncated or malformed input", "[agent][sockstat]") {
  std::vector<SockstatValue> values;
  SECTION("cut after a key") {
    CHECK(ParseSockstat("sockets: used 15\nTCP: inuse 2 orphan", "/proc/net/sockstat", &values)
              .message() == "/proc/net/sockstat line 2 (TCP): expected key/value pairs");
  }
  SECTION("cut in the protocol") {
    CHECK(ParseSockstat("sockets: used 15\nTC", "/proc/net/sockstat", &values).message() ==
          "/proc/net/sockstat line 2: expected \"<PROTO>:\", got \"TC\"");
  }
  SECTION("protocol without pairs") {
    CHECK(ParseSockstat("TCP:\n", "/proc/net/sockstat", &values).message() ==
          "/proc/net/sockstat line 1 (TCP): expected key/value pairs");
  }
}

TEST_CASE("ParseSockstat rejects bad numbers", "[agent][sockstat]") {
  std::vector<SockstatValue> values;
  CHECK(ParseSockstat("TCP: inuse x\n", "/proc/net/sockstat6", &values).message() ==
        "/proc/net/sockstat6 line 1 (TCP): inuse: not an integer: \"x\"");
  CHECK(ParseSockstat("TCP: mem 9223372036854775808\n", "/proc/net/sockstat", &values).message() ==
        "/proc/net/sockstat line 1 (TCP): mem: not an integer: \"9223372036854775808\"");
}

}  // namespace
}  // namespace hostmon::agent
