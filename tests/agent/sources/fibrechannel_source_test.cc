// SPDX-License-Identifier: Apache-2.0
//
// The fibrechannel source over node_exporter's two fixture HBAs (tests/fixtures/sys/class/
// fc_host): hex counters, the firmware's "not implemented" all-ones value left out, a host with
// only a port state and speed, a port state "Unknown" reporting zeros, bad counters.
#include "agent/sources/fibrechannel/fibrechannel_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "agent/sources/common/sysfs_value.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseGoInt64 and SysfsAttributeText read values as node_exporter", "[agent][sysfs]") {
  int64_t v = 0;
  REQUIRE(ParseGoInt64("0x1a", &v).ok());
  CHECK(v == 26);
  CHECK(ParseGoInt64("0xffffffffffffffff", &v).message() == "out of range");
  CHECK(ParseGoInt64("1z", &v).message() == "not a number");
  CHECK(SysfsAttributeText("  16 Gbit\n") == "16 Gbit");
}

TEST_CASE("fibrechannel source over the fixture HBAs", "[agent][fibrechannel]") {
  const common::FsRoot fs = testing::FixtureRoot();
  testing::SampleRecorder out;
  REQUIRE(MakeFibrechannelSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.Get("node_fibrechannel_info{dev_loss_tmo=\"30\",fabric_name=\"0\",fc_host=\"host0\","
                "port_id=\"000002\",port_name=\"1000e0071bce95f2\",port_state=\"Online\","
                "port_type=\"Point-To-Point (direct nport connection)\",speed=\"16 Gbit\","
                "supported_classes=\"Class 3\",supported_speeds=\"4 Gbit, 8 Gbit, 16 Gbit\","
                "symbolic_name=\"Emulex SN1100E2P FV12.4.270.3 DV12.4.0.0. HN:gotest. "
                "OS:Linux\"}") == 1);
  CHECK(out.Get("node_fibrechannel_tx_words_total{fc_host=\"host0\"}") == 6);
  CHECK_FALSE(out.Has("node_fibrechannel_dumped_frames_total{fc_host=\"host0\"}"));  // all ones
  CHECK(out.Get("node_fibrechannel_error_frames_total{fc_host=\"host1\"}") == 19);
  CHECK(out.types["node_fibrechannel_nos_total"] == kCounter);
}

TEST_CASE("fibrechannel source: unknown port state, bad counter, no HBA", "[agent][fibrechannel]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  SourcePtr source = MakeFibrechannelSource(SourceContext{&fs}).value();
  testing::SampleRecorder none;
  CHECK(absl::IsNotFound(source->Collect(none)));

  dir.Write("sys/class/fc_host/host3/port_state", "Unknown\n");
  dir.Write("sys/class/fc_host/host3/statistics/rx_frames", "0x99\n");
  testing::SampleRecorder unknown;
  REQUIRE(source->Collect(unknown).ok());
  CHECK(unknown.samples.size() == 1 + 14);
  CHECK(unknown.Get("node_fibrechannel_rx_frames_total{fc_host=\"host3\"}") == 0);

  dir.Write("sys/class/fc_host/host3/port_state", "Online\n");
  dir.Write("sys/class/fc_host/host3/statistics/rx_frames", "lots\n");
  testing::SampleRecorder bad;
  const absl::Status s = source->Collect(bad);
  CHECK(s.message().find("host3/statistics/rx_frames: not a number") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent
