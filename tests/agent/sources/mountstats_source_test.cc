// SPDX-License-Identifier: Apache-2.0
//
// The mountstats source and its parsers: node_exporter's fixture mountstats/mountinfo
// (tests/fixtures/proc/self/, from node_exporter's proc/10/), each transport layout procfs knows
// (tcp/udp of statistics versions 1.0 and 1.1, rdma), truncated and malformed files, a host
// without NFS mounts and one without the file.
#include "agent/sources/mountstats/mountstats_source.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/mountstats/mountstats_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kNfsMount =
    "device 10.0.0.1:/export mounted on /mnt/a with fstype nfs statvers=1.1\n"
    "\topts:\trw,vers=3\n"
    "\tage:\t42\n"
    "\tcaps:\tcaps=0xfff7,wtmult=512\n"
    "\tevents:\t1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27\n"
    "\tbytes:\t101 102 103 104 105 106 107 108\n"
    "\tRPC iostats version: 1.0  p/v: 100003/3 (nfs)\n"
    "\txprt:\ttcp 700 1 2 3 4 5 6 7 8 9 10 11 12\n"
    "\tper-op statistics\n"
    "\t        NULL: 0 0 0 0 0 0 0 0\n"
    "\t     GETATTR: 11 12 13 14 15 16 17 18 19\n"
    "\n";

std::string WithLine(absl::string_view text, absl::string_view from, absl::string_view to) {
  std::string out(text);
  const size_t pos = out.find(from.data(), 0, from.size());
  REQUIRE(pos != std::string::npos);
  out.replace(pos, from.size(), to.data(), to.size());
  return out;
}

TEST_CASE("MountStats parses node_exporter's fixture", "[agent][mountstats]") {
  MountStats stats;
  const std::string text = testing::ReadFixture("proc/self/mountstats");
  REQUIRE(stats.Parse(text, "mountstats").ok());
  const auto mounts = stats.mounts();
  REQUIRE(mounts.size() == 7);
  CHECK(mounts[0].device == "rootfs");
  CHECK(mounts[3].fstype == "ext4");
  CHECK_FALSE(mounts[3].has_nfs_stats);
  const MountStatsEntry& tcp = mounts[4];
  CHECK(tcp.device == "192.168.1.1:/srv/test");
  CHECK(tcp.mount_point == "/mnt/nfs/test");
  CHECK(tcp.fstype == "nfs4");
  REQUIRE(tcp.has_nfs_stats);
  CHECK(tcp.age_seconds == 13968);
  CHECK(tcp.bytes[0] == 1207640230);
  CHECK(tcp.bytes[4] == 1210214218);
  CHECK(tcp.bytes[6] == 295483);
  CHECK(tcp.events[0] == 52);
  CHECK(tcp.events[9] == 331);
  CHECK(tcp.events[17] == 77);
  REQUIRE(tcp.transports.size() == 1);
  const NfsTransportStats& t = tcp.transports[0];
  CHECK(t.protocol == "tcp");
  CHECK(t.connect == 1);
  CHECK(t.idle_time_seconds == 11);
  CHECK(t.sends == 6428);
  CHECK(t.receives == 6428);
  CHECK(t.cumulative_backlog == 0);
  CHECK(t.maximum_rpc_slots_used == 24);
  CHECK(t.cumulative_sending_queue == 26);
  CHECK(t.cumulative_pending_queue == 5726);
  REQUIRE(tcp.operations.size() == 3);
  CHECK(tcp.operations[1].operation == "READ");
  CHECK(tcp.operations[1].bytes_received == 1210292152);
  CHECK(tcp.operations[1].request_milliseconds == 79407);
  CHECK(mounts[5].operations.size() == 4);
  CHECK(mounts[5].operations[3].queue_milliseconds == 18446743919241604546u);
  // UDP has no connections: the line's counters shift by three.
  const NfsTransportStats& udp = mounts[6].transports[0];
  CHECK(udp.protocol == "udp");
  CHECK(udp.connect == 0);
  CHECK(udp.idle_time_seconds == 0);
  CHECK(udp.sends == 6428);
  CHECK(udp.bad_transaction_ids == 0);
  CHECK(udp.maximum_rpc_slots_used == 24);
  CHECK(udp.cumulative_pending_queue == 5726);

  // A second parse reuses the entries and replaces them.
  REQUIRE(stats.Parse(kNfsMount, "mountstats").ok());
  REQUIRE(stats.mounts().size() == 1);
  const MountStatsEntry& m = stats.mounts()[0];
  CHECK(m.device == "10.0.0.1:/export");
  CHECK(m.transports.size() == 1);
  REQUIRE(m.operations.size() == 2);
  CHECK(m.operations[1].operation == "GETATTR");
  CHECK(m.operations[1].request_milliseconds == 18);  // the ninth counter (errors) is not read
  CHECK(m.events[26] == 27);
  CHECK(m.bytes[7] == 108);
}

TEST_CASE("MountStats maps each transport layout as procfs does", "[agent][mountstats]") {
  MountStats stats;
  // The parsed stats view the text (protocol names): it lives until the next call.
  std::string text;
  auto transport = [&](absl::string_view version, absl::string_view xprt) {
    text = WithLine(kNfsMount, "statvers=1.1", absl::StrCat("statvers=", version));
    text = WithLine(text, "tcp 700 1 2 3 4 5 6 7 8 9 10 11 12", xprt);
    const absl::Status s = stats.Parse(text, "f");
    INFO(s.ToString());
    REQUIRE(s.ok());
    return stats.mounts()[0].transports.at(0);
  };
  NfsTransportStats t = transport("1.0", "tcp 700 1 2 3 4 5 6 7 8 9");
  CHECK(t.bind == 1);
  CHECK(t.connect == 2);
  CHECK(t.idle_time_seconds == 4);
  CHECK(t.cumulative_backlog == 9);
  CHECK(t.maximum_rpc_slots_used == 0);  // version 1.0 has none
  t = transport("1.0", "udp 700 1 2 3 4 5 6");
  CHECK(t.sends == 2);
  CHECK(t.bad_transaction_ids == 4);
  CHECK(t.cumulative_backlog == 6);
  CHECK(t.cumulative_pending_queue == 0);
  t = transport("1.1", "tcp 700 1 2 3 4 5 6 7 8 9 10 11 12");
  CHECK(t.maximum_rpc_slots_used == 10);
  CHECK(t.cumulative_pending_queue == 12);
  t = transport("1.1",
                "rdma 0 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27");
  CHECK(t.protocol == "rdma");
  CHECK(t.connect == 1);
  CHECK(t.sends == 4);
  CHECK(t.cumulative_backlog == 8);
  CHECK(t.maximum_rpc_slots_used == 0);  // RDMA counters follow, not slots and queues
  CHECK(t.cumulative_sending_queue == 0);

  // Two transports (nconnect): both kept, in order.
  std::string two =
      WithLine(kNfsMount, "\tper-op", "\txprt:\ttcp 701 0 0 0 0 50 0 0 0 0 0 0 0\n\tper-op");
  REQUIRE(stats.Parse(two, "f").ok());
  REQUIRE(stats.mounts()[0].transports.size() == 2);
  CHECK(stats.mounts()[0].transports[1].sends == 50);
}

TEST_CASE("MountStats refuses malformed files, naming file and line", "[agent][mountstats]") {
  MountStats stats;
  auto error = [&](const std::string& text) {
    const absl::Status s = stats.Parse(text, "/proc/self/mountstats");
    INFO(text);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find("/proc/self/mountstats line ") == 0);
    return std::string(s.message());
  };
  // Mounts without statistics and other lines are fine; so is an empty file.
  REQUIRE(stats.Parse("", "f").ok());
  CHECK(stats.mounts().empty());
  REQUIRE(stats.Parse("device sysfs mounted on /sys with fstype sysfs\nnoise\n", "f").ok());
  CHECK(stats.mounts().size() == 1);

  CHECK(error("device sysfs mounted on /sys with fstype\n").find("expected \"device") !=
        std::string::npos);
  CHECK(error("device sysfs mounted at /sys with fstype sysfs\n").find("line 1") !=
        std::string::npos);
  CHECK(error("device tmpfs mounted on /t with fstype tmpfs statvers=1.1\n").find("tmpfs") !=
        std::string::npos);
  // Missing field, wrong counts.
  CHECK(error(WithLine(kNfsMount, "\tage:\t42", "\tage:")).find("no values") != std::string::npos);
  CHECK(error(WithLine(kNfsMount, " 107 108\n", " 107\n")).find("expected 8 counters, got 7") !=
        std::string::npos);
  CHECK(error(WithLine(kNfsMount, " 26 27\n", " 26\n")).find("expected 27 counters, got 26") !=
        std::string::npos);
  CHECK(error(WithLine(kNfsMount, " 11 12\n", " 11\n")).find("line 8") != std::string::npos);
  CHECK(error(WithLine(kNfsMount, "tcp 700", "sctp 700")).find("unknown transport") !=
        std::string::npos);
  CHECK(error(WithLine(kNfsMount, "statvers=1.1", "statvers=2.0"))
            .find("unknown statistics version \"2.0\"") != std::string::npos);
  CHECK(error(WithLine(kNfsMount, "\txprt:\ttcp 700 1 2 3 4 5 6 7 8 9 10 11 12", "\txprt:\ttcp"))
            .find("no transport counters") != std::string::npos);
  CHECK(error(WithLine(kNfsMount, "GETATTR: 11 12 13 14 15 16 17 18 19", "GETATTR: 11 12"))
            .find("at least 8 counters") != std::string::npos);
  // Bad numbers.
  CHECK(error(WithLine(kNfsMount, "\tage:\t42", "\tage:\t-42")).find("not an unsigned") !=
        std::string::npos);
  CHECK(error(WithLine(kNfsMount, "\tage:\t42", "\tage:\t99999999999")).find("age out of range") !=
        std::string::npos);
  CHECK(error(WithLine(kNfsMount, "101 102", "101 1x2")).find("\"1x2\"") != std::string::npos);
  CHECK(error(WithLine(kNfsMount, "tcp 700 1", "tcp 700 x")).find("line 8") != std::string::npos);
  CHECK(error(WithLine(kNfsMount, "19\n", "99999999999999999999\n")).find("out of range") !=
        std::string::npos);
  // A line longer than any the kernel prints: skipped where it is not read, an error where it is.
  std::string wide;
  for (int i = 0; i < 60; ++i) absl::StrAppend(&wide, " ", i);
  REQUIRE(stats.Parse(WithLine(kNfsMount, "\tcaps:", absl::StrCat("\tcaps:", wide)), "f").ok());
  CHECK(error(WithLine(kNfsMount, " 18 19\n", absl::StrCat(" 18 19", wide, "\n")))
            .find("more than 40 fields") != std::string::npos);
  // Truncated: the file ends inside the statistics (no per-op section) or inside an op line.
  REQUIRE(stats.Parse(kNfsMount.substr(0, kNfsMount.find("\tbytes")), "f").ok());
  CHECK(stats.mounts()[0].transports.empty());
  CHECK(error(std::string(kNfsMount.substr(0, kNfsMount.find(" 15 16 17 18 19\n"))))
            .find("line 11") != std::string::npos);
}

TEST_CASE("ParseMountInfoAddrs reads addr= per line as procfs does", "[agent][mountstats]") {
  std::vector<absl::string_view> addrs;
  const std::string text = testing::ReadFixture("proc/self/mountinfo");
  REQUIRE(ParseMountInfoAddrs(text, "mountinfo", &addrs).ok());
  CHECK(addrs == std::vector<absl::string_view>{"", "", "", "", "192.168.1.1", "192.168.1.1",
                                                "192.168.1.1"});
  // Optional fields, an addr key without value, a repeated key (the last counts), k=v=w.
  REQUIRE(ParseMountInfoAddrs("1 2 0:1 / /a rw shared:1 master:2 - nfs s:/x rw,addr=1.2.3.4\n"
                              "1 2 0:1 / /b rw - nfs s:/x addr,ro\n"
                              "1 2 0:1 / /c rw - nfs s:/x addr=a,addr=b\n"
                              "1 2 0:1 / /d rw - nfs s:/x addr=a=b",
                              "f", &addrs)
              .ok());
  CHECK(addrs == std::vector<absl::string_view>{"1.2.3.4", "", "b", "a"});

  auto error = [&](absl::string_view text) {
    const absl::Status s = ParseMountInfoAddrs(text, "/proc/self/mountinfo", &addrs);
    CHECK(s.message().find("/proc/self/mountinfo line 1") == 0);
    return std::string(s.message());
  };
  CHECK(error("1 2 0:1 / /a rw - nfs\n").find("fewer than 10 fields") != std::string::npos);
  CHECK(error("1 2 0:1 / /a rw shared:1 nfs s:/x rw\n").find("separator") != std::string::npos);
  CHECK(error("x 2 0:1 / /a rw - nfs s:/x rw\n").find("not a number") != std::string::npos);
  CHECK(error("1 y 0:1 / /a rw - nfs s:/x rw\n").find("not a number") != std::string::npos);
  CHECK(error("\n").find("fewer than 10 fields") != std::string::npos);
}

TEST_CASE("mountstats source exports node_exporter's series", "[agent][mountstats]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeMountstatsSource(SourceContext{&fs}).value();
  const testing::SampleRecorder out = testing::CollectOk(*source);
  // 35 per export (tcp, udp), 10 per transport, 8 per operation (3 + 4), 3 mount points; the
  // second TCP mount of the same export is not reported again.
  CHECK(out.samples.size() == 149);
  CHECK(out.adds == 149);
  const std::string tcp =
      "{export=\"192.168.1.1:/srv/test\",protocol=\"tcp\",mountaddr=\"192.168.1.1\"";
  const std::string udp =
      "{export=\"192.168.1.1:/srv/test\",protocol=\"udp\",mountaddr=\"192.168.1.1\"";
  CHECK(out.Get("node_mountstats_nfs_age_seconds_total" + tcp + "}") == 13968);
  CHECK(out.Get("node_mountstats_nfs_read_bytes_total" + udp + "}") == 1207640230);
  CHECK(out.Get("node_mountstats_nfs_read_pages_total" + tcp + "}") == 295483);
  CHECK(out.Get("node_mountstats_nfs_event_vfs_read_pages_total" + tcp + "}") == 331);
  CHECK(out.Get("node_mountstats_nfs_event_vfs_file_release_total" + udp + "}") == 77);
  CHECK(out.Get("node_mountstats_nfs_event_pnfs_write_total" + udp + "}") == 0);
  CHECK(out.Get("node_mountstats_nfs_transport_connect_total" + tcp + ",transport=\"0\"}") == 1);
  CHECK(out.Get("node_mountstats_nfs_transport_idle_time_seconds" + tcp + ",transport=\"0\"}") ==
        11);
  CHECK(out.Get("node_mountstats_nfs_transport_maximum_rpc_slots" + udp + ",transport=\"0\"}") ==
        24);
  CHECK(out.Get("node_mountstats_nfs_operations_request_time_seconds_total" + tcp +
                ",operation=\"READ\"}") == Approx(79.407));
  // 18446743919241604546 ms, reduced modulo 2^53 as node_exporter does.
  CHECK(out.Get("node_mountstats_nfs_operations_queue_time_seconds_total" + udp +
                ",operation=\"ACCESS\"}") == 9007044786793.922);
  CHECK_FALSE(
      out.Has("node_mountstats_nfs_operations_requests_total" + tcp + ",operation=\"ACCESS\"}"));
  CHECK(out.Get("node_mountstats_nfs_mountpoint_info" + tcp +
                ",mountpoint=\"/mnt/nfs/test-dupe\"}") == 1);
  CHECK(out.Count("node_mountstats_nfs_mountpoint_info") == 3);
  CHECK(out.types.size() == 54);
  CHECK(out.types.at("node_mountstats_nfs_transport_idle_time_seconds") == kGauge);
  CHECK(out.types.at("node_mountstats_nfs_event_vfs_setattr_total") == kCounter);
  CHECK(out.help.at("node_mountstats_nfs_event_jukebox_delay_total") ==
        "Number of times the NFS server indicated EJUKEBOX; retrieving data from offline storage.");
}

TEST_CASE("mountstats source: absent file, no NFS mounts, bad files", "[agent][mountstats]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  SourcePtr source = MakeMountstatsSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));

  // No NFS mount: no series, and mountinfo (absent here) is not read.
  dir.Write("proc/self/mountstats", "device sysfs mounted on /sys with fstype sysfs\n");
  CHECK(source->Collect(out).ok());
  CHECK(out.samples.empty());

  // An NFS mount needs mountinfo; a line there without addr= gives an empty mountaddr.
  dir.Write("proc/self/mountstats", std::string(kNfsMount));
  CHECK(absl::IsNotFound(source->Collect(out)));
  dir.Write("proc/self/mountinfo", "1 2 0:1 / /mnt/a rw - nfs 10.0.0.1:/export rw,vers=3\n");
  CHECK(source->Collect(out).ok());
  CHECK(out.Get("node_mountstats_nfs_event_pnfs_write_total{export=\"10.0.0.1:/export\","
                "protocol=\"tcp\",mountaddr=\"\"}") == 27);
  CHECK(out.Get("node_mountstats_nfs_operations_request_time_seconds_total{export=\"10.0.0."
                "1:/export\",protocol=\"tcp\",mountaddr=\"\",operation=\"GETATTR\"}") ==
        Approx(0.018));

  dir.Write("proc/self/mountinfo", "1 2 0:1 / /mnt/a rw\n");
  absl::Status s = source->Collect(out);
  CHECK(s.message().find("proc/self/mountinfo line 1") != std::string::npos);
  dir.Write("proc/self/mountstats", WithLine(kNfsMount, "101 102", "101 x"));
  s = source->Collect(out);
  CHECK(s.message().find("proc/self/mountstats line 6") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent
