// SPDX-License-Identifier: Apache-2.0
//
// The ipvs source over node_exporter's fixture tables (tests/fixtures/proc/net/ip_vs{,_stats}),
// with the label choices of node_exporter's own ipvs tests, IPv6 services, and bad tables.
#include "agent/sources/ipvs/ipvs_source.h"

#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "agent/sources/ipvs/ipvs_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using Samples = std::map<std::string, double>;

std::string Address(const char* text) {
  uint8_t bytes[16];
  REQUIRE(::inet_pton(AF_INET6, text, bytes) == 1);
  std::string out;
  FormatIpvsAddress(bytes, 16, &out);
  return out;
}

TEST_CASE("IPv6 addresses are printed as Go's net.IP.String", "[agent][ipvs]") {
  CHECK(Address("2620:0000:0000:0000:0000:0000:0000:0001") == "2620::1");
  CHECK(Address("0000:0000:0000:0000:0000:0000:0000:0001") == "::1");
  CHECK(Address("0000:0000:0000:0000:0000:0000:0000:0000") == "::");
  CHECK(Address("2001:0db8:0000:0001:0000:0000:0000:0001") == "2001:db8:0:1::1");
  CHECK(Address("2001:0db8:0000:0000:0001:0000:0000:0001") == "2001:db8::1:0:0:1");
  CHECK(Address("2001:0db8:0001:0001:0001:0001:0000:0001") == "2001:db8:1:1:1:1:0:1");
  CHECK(Address("fe80:0000:0000:0000:0000:0000:0000:0000") == "fe80::");
  CHECK(Address("0000:0000:0000:0000:0000:ffff:c0a8:0016") == "192.168.0.22");
  CHECK(Address("0000:0000:0000:0000:0000:0000:0102:0304") == "::102:304");
}

TEST_CASE("An address of neither 4 nor 16 bytes is printed as Go does, without overrunning it",
          "[agent][ipvs]") {
  // The fuzzer found a read of 16 bytes from a shorter buffer (ASan: heap-buffer-overflow).
  const std::vector<uint8_t> three = {0xc0, 0xa8, 0x00};
  std::string out;
  FormatIpvsAddress(three.data(), three.size(), &out);
  CHECK(out == "?c0a800");
  FormatIpvsAddress(three.data(), 0, &out);
  CHECK(out == "<nil>");
  const std::vector<uint8_t> four = {0xc0, 0xa8, 0x00, 0x16};
  FormatIpvsAddress(four.data(), four.size(), &out);
  CHECK(out == "192.168.0.22");
}

TEST_CASE("ParseIpvsStats reads the totals line", "[agent][ipvs]") {
  IpvsStats stats;
  REQUIRE(ParseIpvsStats(testing::ReadFixture("proc/net/ip_vs_stats"), &stats).ok());
  CHECK(stats.connections == 0x16AA370);
  CHECK(stats.incoming_packets == 0xE33656E5);
  CHECK(stats.incoming_bytes == 0x51D8C8883AB3);
  CHECK_THAT(std::string(ParseIpvsStats("a\nb\n", &stats).message()), Catch::Contains("too short"));
  CHECK_FALSE(ParseIpvsStats("a\nb\n 1 2 3 4\n", &stats).ok());
  CHECK_THAT(std::string(ParseIpvsStats("a\nb\n 1 2 3 4 XY\n", &stats).message()),
             Catch::Contains("/proc/net/ip_vs_stats"));
}

TEST_CASE("ipvs source over node_exporter's fixture tables", "[agent][ipvs]") {
  const testing::TestContext ctx("ipvs", testing::FixtureRoot());
  const testing::SampleRecorder rec = testing::CollectOk(*MakeIpvsSource(ctx).value());
  CHECK(rec.Get("node_ipvs_connections_total") == 23765872);
  CHECK(rec.Get("node_ipvs_incoming_bytes_total") == 89991519156915.0);
  CHECK(rec.Get("node_ipvs_incoming_packets_total") == 3811989221.0);
  CHECK(rec.Get("node_ipvs_outgoing_bytes_total") == 0);
  CHECK(rec.Get("node_ipvs_outgoing_packets_total") == 0);
  CHECK(rec.Get("node_ipvs_backend_connections_active{local_address=\"\",local_mark=\"10001000\","
                "local_port=\"0\",proto=\"FWM\",remote_address=\"192.168.49.32\","
                "remote_port=\"3306\"}") == 321);
  CHECK(
      rec.Get("node_ipvs_backend_connections_inactive{local_address=\"192.168.0.22\","
              "local_mark=\"\",local_port=\"3306\",proto=\"TCP\",remote_address=\"192.168.83.21\","
              "remote_port=\"3306\"}") == 1);
  CHECK(rec.Get("node_ipvs_backend_weight{local_address=\"192.168.0.55\",local_mark=\"\","
                "local_port=\"3306\",proto=\"TCP\",remote_address=\"192.168.50.26\","
                "remote_port=\"3306\"}") == 0);
  CHECK(rec.Count("node_ipvs_backend_weight{") == 10);
  CHECK(rec.types.at("node_ipvs_connections_total") == kCounter);
  CHECK(rec.types.at("node_ipvs_backend_weight") == kGauge);
  CHECK(rec.help.at("node_ipvs_backend_weight") ==
        "The current backend weight by local and remote address.");
}

TEST_CASE("ipvs source sums real servers over the chosen backend labels", "[agent][ipvs]") {
  // node_exporter's ip_vs_result_lbs_local_address_local_port.txt and ip_vs_result_lbs_none.txt.
  {
    const testing::TestContext ctx("ipvs", testing::FixtureRoot(),
                                   {{"backend-labels", "local_port,local_address"}});
    const testing::SampleRecorder rec = testing::CollectOk(*MakeIpvsSource(ctx).value());
    CHECK(rec.Get("node_ipvs_backend_connections_active{local_address=\"\",local_port=\"0\"}") ==
          385);
    CHECK(rec.Get("node_ipvs_backend_connections_active{local_address=\"192.168.0.57\","
                  "local_port=\"3306\"}") == 2997);
    CHECK(rec.Get("node_ipvs_backend_connections_inactive{local_address=\"192.168.0.22\","
                  "local_port=\"3306\"}") == 5);
    CHECK(rec.Get("node_ipvs_backend_weight{local_address=\"\",local_port=\"0\"}") == 120);
    CHECK(rec.Get("node_ipvs_backend_weight{local_address=\"192.168.0.22\",local_port=\"3306\"}") ==
          300);
    CHECK(rec.Count("node_ipvs_backend_weight{") == 4);
  }
  {
    const testing::TestContext ctx("ipvs", testing::FixtureRoot(), {{"backend-labels", ""}});
    const testing::SampleRecorder rec = testing::CollectOk(*MakeIpvsSource(ctx).value());
    CHECK(rec.Get("node_ipvs_backend_connections_active") == 4126);
    CHECK(rec.Get("node_ipvs_backend_connections_inactive") == 11);
    CHECK(rec.Get("node_ipvs_backend_weight") == 720);
  }
  const testing::TestContext bad("ipvs", testing::FixtureRoot(),
                                 {{"backend-labels", "proto,nope,zone"}});
  const absl::Status s = MakeIpvsSource(bad).status();
  CHECK(absl::IsInvalidArgument(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("nope, zone"));
}

TEST_CASE("ipvs source: no module, IPv6 services, bad and short lines", "[agent][ipvs]") {
  const testing::TestContext none("ipvs", testing::EmptyRoot());
  testing::SampleRecorder empty;
  CHECK(absl::IsNotFound(MakeIpvsSource(none).value()->Collect(empty)));
  CHECK(empty.adds == 0);

  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  dir.Write("proc/net/ip_vs_stats", testing::ReadFixture("proc/net/ip_vs_stats"));
  const std::string header =
      "IP Virtual Server version 1.2.1 (size=4096)\n"
      "Prot LocalAddress:Port Scheduler Flags\n"
      "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n";
  dir.Write(
      "proc/net/ip_vs",
      header +
          "UDP  [2620:0000:0000:0000:0000:0000:0000:0001]:0035 rr\n"
          "  -> [2620:0000:0000:0000:0000:0000:0000:0002]:0035      Masq    1      3          4\n"
          "  -> short line\n"
          "x\n");
  const testing::TestContext ctx("ipvs", fs);
  SourcePtr source = MakeIpvsSource(ctx).value();
  const testing::SampleRecorder rec = testing::CollectOk(*source);
  CHECK(rec.Get("node_ipvs_backend_connections_active{local_address=\"2620::1\",local_mark=\"\","
                "local_port=\"53\",proto=\"UDP\",remote_address=\"2620::2\",remote_port=\"53\"}") ==
        3);

  struct Case {
    const char* table;
    const char* message;
  } cases[] = {
      {"TCP  C0A80016:0CE wlc\n", "line 4"},
      {"TCP  C0A80016:0CEA wlc\n  -> C0A8521X:0CEA Tunnel 100 248 2\n", "line 5"},
      {"TCP  C0A80016:0CEA wlc\n  -> C0A85216:0CEA Tunnel 100 -248 2\n", "not a count"},
  };
  for (const Case& c : cases) {
    INFO(c.table);
    dir.Write("proc/net/ip_vs", header + c.table);
    testing::SampleRecorder bad;
    const absl::Status s = source->Collect(bad);
    CHECK_FALSE(s.ok());
    CHECK_THAT(std::string(s.message()), Catch::Contains("/proc/net/ip_vs"));
    CHECK_THAT(std::string(s.message()), Catch::Contains(c.message));
  }
}

}  // namespace
}  // namespace hostmon::agent
