// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netstat/netstat_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using hostmon::testing::ReadFixture;

const NetstatValue* Find(const std::vector<NetstatValue>& values, absl::string_view protocol,
                         absl::string_view field) {
  for (const NetstatValue& v : values) {
    if (v.protocol == protocol && v.field == field) return &v;
  }
  return nullptr;
}

TEST_CASE("ParseNetstatPairs reads netstat and snmp", "[agent][netstat]") {
  const std::string netstat = ReadFixture("proc/net/netstat");
  const std::string snmp = ReadFixture("proc/net/snmp");
  std::vector<NetstatValue> values;
  REQUIRE(ParseNetstatPairs(netstat, "/proc/net/netstat", &values).ok());
  CHECK(values.size() == 229);
  REQUIRE(ParseNetstatPairs(snmp, "/proc/net/snmp", &values).ok());
  CHECK(values.size() == 229 + 83);
  const NetstatValue* tw = Find(values, "TcpExt", "TW");
  REQUIRE(tw != nullptr);
  CHECK(tw->value == 3385);
  const NetstatValue* in_octets = Find(values, "IpExt", "InOctets");
  REQUIRE(in_octets != nullptr);
  CHECK(in_octets->value == 85994738);
  const NetstatValue* max_conn = Find(values, "Tcp", "MaxConn");
  REQUIRE(max_conn != nullptr);
  CHECK(max_conn->value == -1);
  const NetstatValue* out_rsts = Find(values, "Tcp", "OutRsts");
  REQUIRE(out_rsts != nullptr);
  CHECK(out_rsts->value == 335);
}

TEST_CASE("ParseSnmp6 splits names at the first 6", "[agent][netstat]") {
  const std::string snmp6 = ReadFixture("proc/net/snmp6");
  std::vector<NetstatValue> values;
  REQUIRE(ParseSnmp6(snmp6, &values).ok());
  CHECK(values.size() == 90);
  const NetstatValue* octets = Find(values, "Ip6", "InOctets");
  REQUIRE(octets != nullptr);
  CHECK(octets->value == 2088);
  CHECK(Find(values, "Icmp6", "OutMsgs")->value == 9);
  CHECK(Find(values, "UdpLite6", "InErrors") != nullptr);
  // A name without a 6 is skipped, as node_exporter does.
  REQUIRE(ParseSnmp6("Ip6InReceives 3\nFooBar 4\n", &values).ok());
  CHECK(values.size() == 91);
}

TEST_CASE("ParseNetstatPairs on truncated input", "[agent][netstat]") {
  std::vector<NetstatValue> values;
  SECTION("names line without values") {
    CHECK(ParseNetstatPairs("Tcp: A B\n", "/proc/net/snmp", &values).message() ==
          "/proc/net/snmp line 1 (Tcp): values line missing");
  }
  SECTION("values line cut short") {
    CHECK(ParseNetstatPairs("Tcp: A B\nTcp: 1", "/proc/net/snmp", &values).message() ==
          "/proc/net/snmp line 2 (Tcp): 2 names but 1 values");
  }
  SECTION("values of another protocol") {
    CHECK(ParseNetstatPairs("Tcp: A B\nUdp: 1 2\n", "/proc/net/snmp", &values).message() ==
          "/proc/net/snmp line 2: expected values for \"Tcp:\"");
  }
  SECTION("cut inside the protocol") {
    CHECK(ParseNetstatPairs("Tc", "/proc/net/netstat", &values).message() ==
          "/proc/net/netstat line 1: expected \"<Proto>:\", got \"Tc\"");
  }
  SECTION("snmp6 line without a value") {
    CHECK(ParseSnmp6("Ip6InReceives 3\nIp6InOctets", &values).message() ==
          "/proc/net/snmp6 line 2: expected 2 columns, got 1");
  }
}

TEST_CASE("ParseNetstatPairs rejects bad numbers", "[agent][netstat]") {
  std::vector<NetstatValue> values;
  CHECK(ParseNetstatPairs("Tcp: A B\nTcp: 1 x\n", "/proc/net/snmp", &values).message() ==
        "/proc/net/snmp line 2 (Tcp): B: not a number: \"x\"");
  CHECK(ParseSnmp6("Ip6InOctets 12z\n", &values).message() ==
        "/proc/net/snmp6 line 1: Ip6InOctets: not a number: \"12z\"");
  // Counters beyond 2^53 keep their magnitude (node_exporter parses floats too).
  values.clear();
  REQUIRE(ParseSnmp6("Ip6InOctets 18446744073709551615\n", &values).ok());
  CHECK(values[0].value == 18446744073709551615.0);
}

}  // namespace
}  // namespace hostmon::agent
