// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netstat/netstat_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

TEST_CASE("netstat source exports node_exporter's default fields", "[agent][netstat]") {
  const common::FsRoot fs = testing::FixtureRoot();
  const std::map<std::string, std::string> options = {{"fields", kNetstatDefaultFields}};
  auto source = MakeNetstatSource(testing::TestContext("netstat", fs, options));
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());
  // node_exporter 1.5.0 exports 40 on the fixture tree; the default adds TcpExt_TCPOFOQueue,
  // TcpExt_TCPRcvQDrop and Tcp_MaxConn.
  CHECK(out.samples.size() == 43);
  CHECK(out.samples.at("node_netstat_TcpExt_TCPOFOQueue") == 0);
  CHECK(out.samples.at("node_netstat_TcpExt_TCPRcvQDrop") == 0);
  CHECK(out.samples.at("node_netstat_Tcp_MaxConn") == -1);
  CHECK(out.samples.at("node_netstat_Tcp_OutRsts") == 335);
  CHECK(out.samples.at("node_netstat_IpExt_InOctets") == 85994738);
  CHECK(out.samples.at("node_netstat_Ip6_OutOctets") == 2840);
  CHECK(out.samples.at("node_netstat_Icmp6_OutMsgs") == 9);
  CHECK(out.samples.at("node_netstat_Ip_Forwarding") == 2);
  CHECK(out.samples.at("node_netstat_TcpExt_TCPTimeouts") == 2);
  CHECK(out.samples.count("node_netstat_UdpLite6_InErrors") == 1);
  CHECK(out.samples.count("node_netstat_TcpExt_TW") == 0);
  CHECK(out.types.at("node_netstat_Tcp_OutRsts") == kUntyped);
  CHECK(out.help.at("node_netstat_UdpLite6_InErrors") == "Statistic UdpLite6InErrors.");
}

TEST_CASE("netstat source fields option", "[agent][netstat]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SECTION("custom regex") {
    const std::map<std::string, std::string> options = {{"fields", "^TcpExt_TW$"}};
    auto source = MakeNetstatSource(testing::TestContext("netstat", fs, options));
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    const std::map<std::string, double> want = {{"node_netstat_TcpExt_TW", 3385}};
    CHECK(out.samples == want);
  }
  SECTION("absent option means the default") {
    auto source = MakeNetstatSource(testing::TestContext("netstat", fs));
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.samples.size() == 43);
  }
  SECTION("the default is a superset of node_exporter 1.5.0's") {
    const std::map<std::string, std::string> v150 = {
        {"fields",
         "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|"
         "OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|"
         "InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|"
         "OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$"}};
    auto old_source = MakeNetstatSource(testing::TestContext("netstat", fs, v150));
    auto new_source = MakeNetstatSource(testing::TestContext("netstat", fs));
    REQUIRE(old_source.ok());
    REQUIRE(new_source.ok());
    testing::SampleRecorder old_out;
    testing::SampleRecorder new_out;
    REQUIRE((*old_source)->Collect(old_out).ok());
    REQUIRE((*new_source)->Collect(new_out).ok());
    CHECK(old_out.samples.size() == 40);
    for (const auto& [key, value] : old_out.samples) {
      INFO(key);
      CHECK(new_out.samples.count(key) == 1);
    }
  }
  SECTION("bad regex") {
    const std::map<std::string, std::string> options = {{"fields", "(("}};
    auto source = MakeNetstatSource(testing::TestContext("netstat", fs, options));
    CHECK(absl::IsInvalidArgument(source.status()));
    CHECK(source.status().message().find(
              "source netstat: option \"fields\": invalid regexp \"((\"") == 0);
  }
}

TEST_CASE("netstat source without /proc/net/netstat is NotFound", "[agent][netstat]") {
  const common::FsRoot fs = testing::EmptyRoot();
  auto source = MakeNetstatSource(testing::TestContext("netstat", fs));
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound((*source)->Collect(out)));
}

}  // namespace
}  // namespace hostmon::agent
