// SPDX-License-Identifier: Apache-2.0
//
// The drbd source and its parser: node_exporter's fixture /proc/drbd (tests/fixtures/proc/drbd),
// several devices with a resync in progress, DRBD 9's device-less file, malformed values, and a
// host without DRBD.
#include "agent/sources/drbd/drbd_source.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agent/sources/drbd/drbd_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

// DRBD 8.4 with two devices, the second resyncing (its progress lines hold words with one or
// more colons that are not keys).
constexpr absl::string_view kTwoDevices =
    "version: 8.4.11 (api:1/proto:86-101)\n"
    "srcversion: 1A9F77B1CA5FF92235C2213 \n"
    " 0: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C r-----\n"
    "    ns:0 nr:4 dw:8 dr:16 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
    " 12: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n"
    "    ns:100 nr:0 dw:0 dr:200 al:0 bm:3 lo:0 pe:2 ua:0 ap:0 ep:1 wo:f oos:2048\n"
    "\t[==>.................] sync'ed: 15.2% (2048/2400)K\n"
    "\tfinish: 0:00:12 speed: 1,024 (1,024) K/sec\n";

size_t Index(absl::string_view key) {
  for (size_t i = 0; i < kDrbdNumericCount; ++i) {
    if (kDrbdNumericKeys[i] == key) return i;
  }
  FAIL("no key " << key);
  return 0;
}

TEST_CASE("ParseDrbd reads node_exporter's fixture and several devices", "[agent][drbd]") {
  std::vector<DrbdDevice> devices;
  const std::string fixture = testing::ReadFixture("proc/drbd");
  REQUIRE(ParseDrbd(fixture, "drbd", &devices).ok());
  REQUIRE(devices.size() == 1);
  const DrbdDevice& d = devices[0];
  CHECK(d.has_minor);
  CHECK(d.minor == 1);
  for (size_t i = 0; i < kDrbdNumericCount; ++i) CHECK(d.has_value[i]);
  CHECK(d.value[Index("ns")] == 17324442);
  CHECK(d.value[Index("oos")] == 12349);
  CHECK(d.roles.local == "Primary");
  CHECK(d.roles.remote == "Primary");
  CHECK(d.disk_states.remote == "UpToDate");
  CHECK(d.connection_state == "Connected");

  REQUIRE(ParseDrbd(kTwoDevices, "drbd", &devices).ok());
  REQUIRE(devices.size() == 2);
  CHECK(devices[0].minor == 0);
  CHECK(devices[0].roles.local == "Secondary");
  CHECK(devices[0].value[Index("dr")] == 16);
  CHECK(devices[1].minor == 12);
  CHECK(devices[1].connection_state == "SyncSource");
  CHECK(devices[1].disk_states.remote == "Inconsistent");
  CHECK(devices[1].value[Index("oos")] == 2048);
  CHECK(devices[1].value[Index("pe")] == 2);

  // DRBD 9 and a bare header: no devices. Words before any device belong to "unknown".
  REQUIRE(
      ParseDrbd("version: 9.2.4 (api:2/proto:86-122)\nGIT-hash: abc build by x\n", "f", &devices)
          .ok());
  CHECK(devices.empty());
  REQUIRE(ParseDrbd("ns:5 cs:StandAlone\n", "f", &devices).ok());
  REQUIRE(devices.size() == 1);
  CHECK_FALSE(devices[0].has_minor);
  CHECK(devices[0].value[Index("ns")] == 5);
  CHECK_FALSE(devices[0].has_value[Index("nr")]);
  // Truncated inside the counters line: what was read is kept, the rest is absent.
  REQUIRE(ParseDrbd(fixture.substr(0, fixture.find(" bm:")), "f", &devices).ok());
  REQUIRE(devices.size() == 1);
  CHECK(devices[0].has_value[Index("al")]);
  CHECK_FALSE(devices[0].has_value[Index("bm")]);
  CHECK_FALSE(devices[0].has_value[Index("oos")]);
}

TEST_CASE("ParseDrbd refuses bad values, naming file and line", "[agent][drbd]") {
  std::vector<DrbdDevice> devices;
  absl::Status s = ParseDrbd(" 1: cs:Connected\n    ns:12x nr:0\n", "/proc/drbd", &devices);
  CHECK(s.message().find("/proc/drbd line 2") == 0);
  CHECK(s.message().find("ns: not a number: \"12x\"") != std::string::npos);
  CHECK_FALSE(ParseDrbd(" 1: ns:\n", "f", &devices).ok());
  s = ParseDrbd(" 1: ro:Primary ds:UpToDate/UpToDate\n", "/proc/drbd", &devices);
  CHECK(s.message().find("ro: expected <local>/<remote>, got \"Primary\"") != std::string::npos);
}

TEST_CASE("drbd source exports node_exporter's series", "[agent][drbd]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeDrbdSource(SourceContext{&fs}).value();
  const testing::SampleRecorder out = testing::CollectOk(*source);
  CHECK(out.samples.size() == 17);
  CHECK(out.types.size() == 15);
  CHECK(out.Get("node_drbd_network_sent_bytes_total{device=\"drbd1\"}") == 17740228608.0);
  CHECK(out.Get("node_drbd_network_received_bytes_total{device=\"drbd1\"}") == 10961011);
  CHECK(out.Get("node_drbd_disk_written_bytes_total{device=\"drbd1\"}") == 28941845504.0);
  CHECK(out.Get("node_drbd_disk_read_bytes_total{device=\"drbd1\"}") == 121545390080.0);
  CHECK(out.Get("node_drbd_activitylog_writes_total{device=\"drbd1\"}") == 1100);
  CHECK(out.Get("node_drbd_bitmap_writes_total{device=\"drbd1\"}") == 221);
  CHECK(out.Get("node_drbd_local_pending{device=\"drbd1\"}") == 12345);
  CHECK(out.Get("node_drbd_remote_pending{device=\"drbd1\"}") == 12346);
  CHECK(out.Get("node_drbd_remote_unacknowledged{device=\"drbd1\"}") == 12347);
  CHECK(out.Get("node_drbd_application_pending{device=\"drbd1\"}") == 12348);
  CHECK(out.Get("node_drbd_epochs{device=\"drbd1\"}") == 1);
  CHECK(out.Get("node_drbd_out_of_sync_bytes{device=\"drbd1\"}") == 12645376);
  CHECK(out.Get("node_drbd_connected{device=\"drbd1\"}") == 1);
  CHECK(out.Get("node_drbd_node_role_is_primary{device=\"drbd1\",node=\"local\"}") == 1);
  CHECK(out.Get("node_drbd_node_role_is_primary{device=\"drbd1\",node=\"remote\"}") == 1);
  CHECK(out.Get("node_drbd_disk_state_is_up_to_date{device=\"drbd1\",node=\"remote\"}") == 1);
  CHECK(out.types.at("node_drbd_epochs") == kGauge);
  CHECK(out.types.at("node_drbd_bitmap_writes_total") == kCounter);
  CHECK(out.help.at("node_drbd_remote_unacknowledged") ==
        "Number of requests received by the peer via the network connection, but that have not "
        "yet been answered.");
}

TEST_CASE("drbd source: no module is NotFound, states, a bad file fails naming it",
          "[agent][drbd]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  SourcePtr source = MakeDrbdSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));

  dir.Write("proc/drbd", std::string(kTwoDevices));
  REQUIRE(source->Collect(out).ok());
  CHECK(out.samples.size() == 34);
  CHECK(out.Get("node_drbd_connected{device=\"drbd12\"}") == 0);
  CHECK(out.Get("node_drbd_node_role_is_primary{device=\"drbd0\",node=\"local\"}") == 0);
  CHECK(out.Get("node_drbd_node_role_is_primary{device=\"drbd0\",node=\"remote\"}") == 1);
  CHECK(out.Get("node_drbd_disk_state_is_up_to_date{device=\"drbd12\",node=\"remote\"}") == 0);
  CHECK(out.Get("node_drbd_out_of_sync_bytes{device=\"drbd12\"}") == 2048.0 * 1024);
  CHECK(out.Get("node_drbd_network_received_bytes_total{device=\"drbd0\"}") == 4);

  out = testing::SampleRecorder();
  dir.Write("proc/drbd", "version: 9.2.4 (api:2/proto:86-122)\n");
  REQUIRE(source->Collect(out).ok());
  CHECK(out.samples.empty());

  dir.Write("proc/drbd", " 1: cs:Connected\n ns:x\n");
  const absl::Status s = source->Collect(out);
  CHECK(s.message().find("proc/drbd line 2") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent
