// SPDX-License-Identifier: Apache-2.0
//
// The infiniband source and its parsers: node_exporter's two fixture adapters
// (tests/fixtures/sys/class/infiniband/, from its sys.ttar: an mlx4 HCA with counters and
// counters_ext on two ports, an i40iw iWARP adapter whose counters all read "N/A (no PMA)"),
// hw_counters, the device filter, malformed and missing files, a host without InfiniBand.
#include "agent/sources/infiniband/infiniband_source.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "agent/sources/infiniband/infiniband_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseInfinibandState and ParseInfinibandRate", "[agent][infiniband]") {
  uint32_t id = 0;
  REQUIRE(ParseInfinibandState("4: ACTIVE\n", "state", &id).ok());
  CHECK(id == 4);
  REQUIRE(ParseInfinibandState(" 5 :LinkUp", "state", &id).ok());
  CHECK(id == 5);
  CHECK(ParseInfinibandState("ACTIVE\n", "p/state", &id).message() ==
        "p/state: expected \"<id>: <name>\": \"ACTIVE\\n\"");
  CHECK_FALSE(ParseInfinibandState("4: A: B\n", "state", &id).ok());
  CHECK_FALSE(ParseInfinibandState("x: ACTIVE\n", "state", &id).ok());
  CHECK_FALSE(ParseInfinibandState("4294967296: ACTIVE\n", "state", &id).ok());
  CHECK_FALSE(ParseInfinibandState("", "state", &id).ok());

  uint64_t rate = 0;
  REQUIRE(ParseInfinibandRate("40 Gb/sec (4X QDR)\n", "rate", &rate).ok());
  CHECK(rate == 5000000000u);
  REQUIRE(ParseInfinibandRate("10 Gb/sec (4X)\n", "rate", &rate).ok());
  CHECK(rate == 1250000000u);
  // float32 as procfs parses it: 14.0625 is exact, 2.5 too; 0.1 is float32's 0.1.
  REQUIRE(ParseInfinibandRate("2.5 Gb/sec (1X SDR)\n", "rate", &rate).ok());
  CHECK(rate == 312500000u);
  REQUIRE(ParseInfinibandRate("0.1 Gb/sec\n", "rate", &rate).ok());
  CHECK(rate == static_cast<uint64_t>(static_cast<double>(0.1f) * 125000000));
  CHECK(ParseInfinibandRate("40\n", "p/rate", &rate).message().find("p/rate: ") == 0);
  CHECK_FALSE(ParseInfinibandRate("fast Gb/sec\n", "rate", &rate).ok());
  CHECK_FALSE(ParseInfinibandRate("1e99 Gb/sec\n", "rate", &rate).ok());  // beyond float32
  CHECK_FALSE(ParseInfinibandRate("", "rate", &rate).ok());
}

TEST_CASE("ParseInfinibandCounter", "[agent][infiniband]") {
  uint64_t v = 0;
  bool present = false;
  REQUIRE(ParseInfinibandCounter("4294967295\n", "c", &v, &present).ok());
  CHECK(present);
  CHECK(v == 4294967295u);
  REQUIRE(ParseInfinibandCounter("18446744073709551615\n", "c", &v, &present).ok());
  CHECK(v == UINT64_MAX);
  REQUIRE(ParseInfinibandCounter("0x10\n", "c", &v, &present).ok());  // Go's base 0
  CHECK(v == 16);
  REQUIRE(ParseInfinibandCounter("N/A (no PMA)\n", "c", &v, &present).ok());
  CHECK_FALSE(present);
  CHECK(ParseInfinibandCounter("-1\n", "p/c", &v, &present).message() ==
        "p/c: not a number: \"-1\"");
  CHECK(ParseInfinibandCounter("18446744073709551616\n", "c", &v, &present).message() ==
        "c: out of range: \"18446744073709551616\"");
  CHECK_FALSE(ParseInfinibandCounter("", "c", &v, &present).ok());
  CHECK_FALSE(present);
}

TEST_CASE("infiniband source over node_exporter's fixture adapters", "[agent][infiniband]") {
  const common::FsRoot fs = testing::FixtureRoot();
  const testing::TestContext ctx("infiniband", fs);
  testing::SampleRecorder out;
  REQUIRE(MakeInfinibandSource(ctx.get()).value()->Collect(out).ok());
  CHECK(out.Get("node_infiniband_info{board_id=\"SM_1141000001000\",device=\"mlx4_0\","
                "firmware_version=\"2.31.5050\",hca_type=\"MT4099\"}") == 1);
  CHECK(out.Get("node_infiniband_info{board_id=\"I40IW Board ID\",device=\"i40iw0\","
                "firmware_version=\"0.2\",hca_type=\"I40IW\"}") == 1);
  const std::string p1 = "{device=\"mlx4_0\",port=\"1\"}";
  CHECK(out.Get("node_infiniband_state_id" + p1) == 4);
  CHECK(out.Get("node_infiniband_physical_state_id" + p1) == 5);
  CHECK(out.Get("node_infiniband_rate_bytes_per_second" + p1) == 5e9);
  CHECK(out.Get("node_infiniband_port_data_received_bytes_total" + p1) == 4631917.0 * 4);
  CHECK(out.Get("node_infiniband_legacy_data_transmitted_bytes_total" + p1) == 3733440.0 * 4);
  CHECK(out.Get("node_infiniband_port_packets_received_total" + p1) == 6825908347.0);
  CHECK(out.Get("node_infiniband_port_transmit_wait_total" + p1) == 4294967295.0);
  CHECK(out.Get("node_infiniband_legacy_multicast_packets_received_total" + p1) == 93);
  CHECK(out.types["node_infiniband_link_downed_total"] == kCounter);
  // i40iw: port state and rate, but every counter is "N/A (no PMA)".
  const std::string i40 = "{device=\"i40iw0\",port=\"1\"}";
  CHECK(out.Get("node_infiniband_rate_bytes_per_second" + i40) == 1.25e9);
  CHECK_FALSE(out.Has("node_infiniband_symbol_error_total" + i40));
  CHECK(out.Count("node_infiniband_state_id") == 3);
  CHECK(out.samples.size() == 51);  // as node_exporter's e2e-output.txt

  SECTION("device filter") {
    const testing::TestContext only("infiniband", fs, {{"device-include", "^mlx"}});
    testing::SampleRecorder filtered;
    REQUIRE(MakeInfinibandSource(only.get()).value()->Collect(filtered).ok());
    CHECK(filtered.Count("node_infiniband_info") == 1);
    CHECK_FALSE(filtered.Has("node_infiniband_state_id" + i40));
    const testing::TestContext both("infiniband", fs,
                                    {{"device-include", "a"}, {"device-exclude", "b"}});
    CHECK_FALSE(MakeInfinibandSource(both.get()).ok());
  }
}

TEST_CASE("infiniband source: hw_counters, errors, no InfiniBand", "[agent][infiniband]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  const testing::TestContext ctx("infiniband", fs);
  SourcePtr source = MakeInfinibandSource(ctx.get()).value();
  testing::SampleRecorder none;
  CHECK(absl::IsNotFound(source->Collect(none)));  // one failed listing, nothing else

  const std::string dev = "sys/class/infiniband/mlx5_0";
  dir.Write(dev + "/fw_ver", "16.35.2000\n");  // no board_id, no hca_type: empty labels
  dir.Write(dev + "/ports/1/link_layer", "Ethernet\n");
  dir.Write(dev + "/ports/1/state", "4: ACTIVE\n");
  dir.Write(dev + "/ports/1/phys_state", "5: LinkUp\n");
  dir.Write(dev + "/ports/1/rate", "100 Gb/sec (4X EDR)\n");
  dir.Write(dev + "/ports/1/hw_counters/lifespan", "12\n");
  dir.Write(dev + "/ports/1/hw_counters/out_of_buffer", "7\n");
  dir.Write(dev + "/ports/1/hw_counters/unknown_new_counter", "junk\n");  // not read
  dir.Write(dev + "/ports/1/counters_ext/port_rcv_data_64", "5\n");  // without counters/: unread
  testing::SampleRecorder roce;
  REQUIRE(source->Collect(roce).ok());
  const std::string p = "{device=\"mlx5_0\",port=\"1\"}";
  CHECK(roce.Get("node_infiniband_info{board_id=\"\",device=\"mlx5_0\",firmware_version=\"16.35."
                 "2000\",hca_type=\"\"}") == 1);
  CHECK(roce.Get("node_infiniband_rate_bytes_per_second" + p) == 12.5e9);
  CHECK(roce.Get("node_infiniband_lifespan_seconds" + p) == 0);  // 12 ms, integer seconds
  CHECK(roce.types["node_infiniband_lifespan_seconds"] == kGauge);
  CHECK(roce.Get("node_infiniband_out_of_buffer_drops_total" + p) == 7);
  CHECK_FALSE(roce.Has("node_infiniband_legacy_data_received_bytes_total" + p));
  CHECK(roce.samples.size() == 1 + 3 + 2);

  // A bad counter fails the round, and nothing is written.
  dir.Write(dev + "/ports/1/hw_counters/out_of_buffer", "many\n");
  testing::SampleRecorder bad;
  const absl::Status s = source->Collect(bad);
  CHECK(s.message().find("hw_counters/out_of_buffer: not a number: \"many\"") != std::string::npos);
  CHECK(bad.samples.empty());

  // Truncated state file; a port directory that is not a number.
  dir.Write(dev + "/ports/1/hw_counters/out_of_buffer", "7\n");
  dir.Write(dev + "/ports/1/state", "4");
  CHECK_FALSE(source->Collect(bad).ok());
  dir.Write(dev + "/ports/1/state", "4: ACTIVE\n");
  dir.Write(dev + "/ports/x/state", "4: ACTIVE\n");
  CHECK(source->Collect(bad).message().find("port \"x\" is not a uint32") != std::string::npos);

  // A missing required file reads as "no data", as node_exporter (ErrNoData).
  testing::ScopedTempDir dir2;
  const common::FsRoot fs2(dir2.File("proc"), dir2.File("sys"), dir2.path());
  const testing::TestContext ctx2("infiniband", fs2);
  dir2.Write("sys/class/infiniband/mlx5_1/ports/1/state", "4: ACTIVE\n");
  testing::SampleRecorder no_fw;
  CHECK(absl::IsNotFound(MakeInfinibandSource(ctx2.get()).value()->Collect(no_fw)));
}

}  // namespace
}  // namespace hostmon::agent
