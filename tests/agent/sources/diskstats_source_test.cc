// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/diskstats/diskstats_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::FixtureRoot;
using testing::TestContext;

TEST_CASE("diskstats source reports the fixture like node_exporter 1.12", "[agent][diskstats]") {
  const common::FsRoot fs = FixtureRoot();
  const TestContext ctx("diskstats", fs);
  auto source = MakeDiskstatsSource(ctx);
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());

  CHECK(out.Get("node_disk_reads_completed_total{device=\"vda\"}") == 28068);
  CHECK(out.Get("node_disk_read_bytes_total{device=\"vda\"}") == 2336122.0 * 512);
  CHECK(out.Get("node_disk_read_time_seconds_total{device=\"vda\"}") == 7078 * (1.0 / 1000.0));
  CHECK(out.Get("node_disk_written_bytes_total{device=\"vda\"}") == 11205592.0 * 512);
  CHECK(out.Get("node_disk_io_now{device=\"sda\"}") == 2);
  CHECK(out.Get("node_disk_io_time_weighted_seconds_total{device=\"dm-0\"}") ==
        10376677 * (1.0 / 1000.0));
  CHECK(out.Get("node_disk_discarded_sectors_total{device=\"vda\"}") == 8417216);
  CHECK(out.Get("node_disk_flush_requests_total{device=\"nvme0n1\"}") == 402211);
  CHECK(out.Get("node_disk_flush_requests_time_seconds_total{device=\"sda\"}") == 21.875);
  // sr0 has 15 counters: discards but no flushes.
  CHECK(out.Has("node_disk_discard_time_seconds_total{device=\"sr0\"}"));
  CHECK_FALSE(out.Has("node_disk_flush_requests_total{device=\"sr0\"}"));
  // Default exclusions: partitions, loop, fd.
  CHECK_FALSE(out.Has("node_disk_reads_completed_total{device=\"sda1\"}"));
  CHECK_FALSE(out.Has("node_disk_reads_completed_total{device=\"nvme0n1p1\"}"));
  CHECK_FALSE(out.Has("node_disk_reads_completed_total{device=\"loop0\"}"));
  CHECK_FALSE(out.Has("node_disk_reads_completed_total{device=\"fd0\"}"));

  // rotational from /sys/block/<dev>/queue/rotational ("0" without the file), as 1.12.
  CHECK(out.Get("node_disk_info{device=\"sda\",major=\"8\",minor=\"0\",model=\"WDC_WD40EFRX-"
                "68N32N0\",path=\"pci-0000:00:17.0-ata-1\",revision=\"82.00A82\",rotational=\"1\","
                "serial=\"WD-WCC7K1JXXY4Z\",wwn=\"0x50014ee2b6c2d9f1\"}") == 1);
  CHECK(out.Get("node_disk_info{device=\"vda\",major=\"254\",minor=\"0\",model=\"\",path=\"\","
                "revision=\"\",rotational=\"0\",serial=\"\",wwn=\"\"}") == 1);
  // 1.12 prefers SCSI_IDENT_SERIAL (the serial on the disk's label) to ID_SERIAL_SHORT.
  CHECK(
      out.Get("node_disk_info{device=\"nvme0n1\",major=\"259\",minor=\"0\",model=\"Samsung SSD "
              "970 EVO Plus 1TB\",path=\"pci-0000:01:00.0-nvme-1\",revision=\"2B2QEXM7\","
              "rotational=\"0\",serial=\"S4EWNX0R123456A-label\",wwn=\"eui.0025385b91b1a2c3\"}") ==
      1);
  CHECK(out.Get("node_disk_filesystem_info{device=\"dm-0\",type=\"ext4\",usage=\"filesystem\","
                "uuid=\"5f0b5c1e-8d2a-4f7e-9c3b-1a2b3c4d5e6f\",version=\"1.0\"}") == 1);
  CHECK(
      out.Get("node_disk_device_mapper_info{device=\"dm-0\",lv_layer=\"\",lv_name=\"root\","
              "name=\"vg0-root\",uuid=\"LVM-Yc3k8H2mW1Zq0aBcDeFgHiJkLmNoPqRs\",vg_name=\"vg0\"}") ==
      1);
  CHECK(out.Get("node_disk_ata_rotation_rate_rpm{device=\"sda\"}") == 5400);
  CHECK(out.Get("node_disk_ata_write_cache{device=\"sda\"}") == 1);
  CHECK(out.Get("node_disk_ata_write_cache_enabled{device=\"sda\"}") == 0);

  // Counted against node_exporter 1.5.0's output on the same tree.
  CHECK(out.samples.size() == 129);
  CHECK(out.types["node_disk_io_now"] == kGauge);
  CHECK(out.types["node_disk_reads_completed_total"] == kCounter);
  CHECK(out.help["node_disk_flush_requests_total"] ==
        "The total number of flush requests completed successfully");
}

TEST_CASE("diskstats source options", "[agent][diskstats]") {
  const common::FsRoot fs = FixtureRoot();
  testing::SampleRecorder out;
  SECTION("include replaces the default exclude") {
    const TestContext ctx(
        "diskstats", fs,
        {{"device-exclude", DiskstatsOptions()[0].default_value}, {"device-include", "^sda"}});
    auto source = MakeDiskstatsSource(ctx);
    REQUIRE(source.ok());
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.Has("node_disk_reads_completed_total{device=\"sda\"}"));
    CHECK(out.Has("node_disk_reads_completed_total{device=\"sda1\"}"));
    CHECK_FALSE(out.Has("node_disk_reads_completed_total{device=\"vda\"}"));
  }
  SECTION("a custom exclude and an include are mutually exclusive") {
    const TestContext ctx("diskstats", fs,
                          {{"device-exclude", "^loop"}, {"device-include", "^sda"}});
    auto source = MakeDiskstatsSource(ctx);
    CHECK(absl::IsInvalidArgument(source.status()));
  }
  SECTION("an empty exclude keeps every device") {
    const TestContext ctx("diskstats", fs, {{"device-exclude", ""}});
    auto source = MakeDiskstatsSource(ctx);
    REQUIRE(source.ok());
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.Has("node_disk_reads_completed_total{device=\"loop0\"}"));
  }
  SECTION("an invalid regex names the option") {
    const TestContext ctx("diskstats", fs, {{"device-exclude", "("}});
    auto source = MakeDiskstatsSource(ctx);
    REQUIRE(absl::IsInvalidArgument(source.status()));
    CHECK(source.status().message().find("device-exclude") != absl::string_view::npos);
  }
}

TEST_CASE("diskstats source is NotFound without /proc/diskstats", "[agent][diskstats]") {
  const TestContext ctx("diskstats", testing::EmptyRoot());
  auto source = MakeDiskstatsSource(ctx);
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound((*source)->Collect(out)));
}

TEST_CASE("node_disk_info serial fallbacks and rotational values, as node_exporter 1.12",
          "[agent][diskstats]") {
  testing::ScopedTempDir dir;
  const std::string counters = " 1 2 3 4 5 6 7 8 9 10 11\n";
  dir.Write("proc/diskstats", " 252 0 vdb" + counters + " 252 1 vdc" + counters + " 252 2 vdd" +
                                  counters + " 252 3 vde" + counters);
  // vdb: virtio, only ID_SERIAL. vdc: ID_SERIAL_SHORT wins over ID_SERIAL. vdd: an empty
  // SCSI_IDENT_SERIAL falls through. vde: no udev entry.
  dir.Write("rootfs/run/udev/data/b252:0", "E:ID_SERIAL=virtio-disk-1\n");
  dir.Write("rootfs/run/udev/data/b252:1", "E:ID_SERIAL=long_name_S1\nE:ID_SERIAL_SHORT=S1\n");
  dir.Write("rootfs/run/udev/data/b252:2", "E:SCSI_IDENT_SERIAL=\nE:ID_SERIAL_SHORT=S2\n");
  dir.Write("sys/block/vdb/queue/rotational", "1\n");
  dir.Write("sys/block/vdc/queue/rotational", "2\n");        // only 1 is rotational
  dir.Write("sys/block/vdd/queue/rotational", "garbage\n");  // unreadable as a number: 0
  dir.Write("sys/block/vde/queue/rotational", "");           // empty (cut read): 0
  const TestContext ctx("diskstats",
                        common::FsRoot(dir.File("proc"), dir.File("sys"), dir.File("rootfs")));
  auto source = MakeDiskstatsSource(ctx);
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());
  const auto info = [&](const std::string& dev, const std::string& minor, const std::string& rot,
                        const std::string& serial) {
    return out.Get("node_disk_info{device=\"" + dev + "\",major=\"252\",minor=\"" + minor +
                   "\",model=\"\",path=\"\",revision=\"\",rotational=\"" + rot + "\",serial=\"" +
                   serial + "\",wwn=\"\"}");
  };
  CHECK(info("vdb", "0", "1", "virtio-disk-1") == 1);
  CHECK(info("vdc", "1", "0", "S1") == 1);
  CHECK(info("vdd", "2", "0", "S2") == 1);
  CHECK(info("vde", "3", "0", "") == 1);
  CHECK(out.Count("node_disk_info{") == 4);
}

}  // namespace
}  // namespace hostmon::agent
