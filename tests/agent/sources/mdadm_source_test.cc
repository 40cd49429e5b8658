// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mdadm/mdadm_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("mdadm source reports the fixture like node_exporter 1.12", "[agent][mdadm]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeMdadmSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  // /proc/mdstat as node_exporter 1.5.0 on the same file, plus 1.12's /sys/block/md*/md:
  // md3, md10, md127 with raid_disks, all four with degraded.
  CHECK(out.samples.size() == 14 * 11 + 3 + 4);
  CHECK(out.Get("node_md_raid_disks{device=\"md127\"}") == 2);
  CHECK(out.Get("node_md_degraded{device=\"md127\"}") == 1);
  CHECK(out.Get("node_md_raid_disks{device=\"md3\"}") == 5);  // "5 (4)": reshaping from 4
  CHECK(out.Get("node_md_degraded{device=\"md3\"}") == 0);
  CHECK(out.Get("node_md_raid_disks{device=\"md10\"}") == 3);
  CHECK(out.Get("node_md_degraded{device=\"md10\"}") == 0);      // raid0: no degraded file, 0
  CHECK_FALSE(out.Has("node_md_raid_disks{device=\"md219\"}"));  // empty level: no count
  CHECK(out.Get("node_md_degraded{device=\"md219\"}") == 0);
  CHECK(out.help["node_md_raid_disks"] == "Number of raid disks on device.");
  CHECK(out.help["node_md_degraded"] == "Number of degraded disks on device.");
  CHECK(out.Get("node_md_state{device=\"md6\",state=\"recovering\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md6\",state=\"active\"}") == 0);
  CHECK(out.Get("node_md_state{device=\"md9\",state=\"resync\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md201\",state=\"check\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md4\",state=\"inactive\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md101\",state=\"active\"}") == 1);
  // An auto-read-only array with resync=PENDING counts as resyncing, not active.
  CHECK(out.Get("node_md_state{device=\"md11\",state=\"active\"}") == 0);
  CHECK(out.Get("node_md_state{device=\"md11\",state=\"resync\"}") == 1);
  CHECK(out.Get("node_md_disks{device=\"md6\",state=\"active\"}") == 1);
  CHECK(out.Get("node_md_disks{device=\"md6\",state=\"failed\"}") == 1);
  CHECK(out.Get("node_md_disks{device=\"md8\",state=\"spare\"}") == 2);
  CHECK(out.Get("node_md_disks_required{device=\"md3\"}") == 8);
  CHECK(out.Get("node_md_blocks{device=\"md7\"}") == 7813735424.0);
  CHECK(out.Get("node_md_blocks_synced{device=\"md6\"}") == 16775552);
  CHECK(out.help["node_md_disks"] == "Number of active/failed/spare disks of device.");
}

TEST_CASE("mdadm source is NotFound without /proc/mdstat", "[agent][mdadm]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeMdadmSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
}

TEST_CASE("mdadm sysfs arrays: bad files, and listing only when /proc/mdstat changes",
          "[agent][mdadm]") {
  testing::ScopedTempDir dir;
  const std::string array = "md0 : active raid1 sda1[0] sdb1[1]\n      100 blocks [2/2] [UU]\n\n";
  dir.Write("proc/mdstat", "Personalities : [raid1]\n" + array);
  dir.Write("sys/block/md0/md/level", "raid1\n");
  dir.Write("sys/block/md0/md/raid_disks", "2\n");
  dir.Write("sys/block/md0/md/degraded", "x\n");
  dir.Write("sys/block/md1/md/level", "container\n");  // external metadata: no counts
  dir.Write("sys/block/md2/md/level", "raid5\n");      // raid_disks missing
  dir.Write("sys/block/mdx/stat", "");                 // no md/: not an array
  dir.Write("sys/block/sda/queue/rotational", "1\n");
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  SourcePtr source = MakeMdadmSource(SourceContext{&fs}).value();
  {
    testing::SampleRecorder out;
    const absl::Status status = source->Collect(out);
    // The last bad array is reported by file; the others are still exported.
    CHECK(status.message().find("md2/md/raid_disks") != absl::string_view::npos);
    CHECK(out.Get("node_md_degraded{device=\"md1\"}") == 0);
    CHECK_FALSE(out.Has("node_md_raid_disks{device=\"md1\"}"));
    CHECK(out.Count("node_md_degraded") == 1);                // md0's "x" and md2 are skipped
    CHECK(out.Get("node_md_blocks{device=\"md0\"}") == 100);  // /proc/mdstat's series stay
  }
  dir.Write("sys/block/md0/md/degraded", "1\n");
  dir.Write("sys/block/md2/md/raid_disks", "\n");  // empty: no count, as procfs
  dir.Write("sys/block/md2/md/degraded", "0\n");
  dir.Write("sys/block/md3/md/level", "raid1\n");  // not seen until /proc/mdstat changes
  dir.Write("sys/block/md3/md/raid_disks", "2\n");
  dir.Write("sys/block/md3/md/degraded", "0\n");
  {
    testing::SampleRecorder out;
    REQUIRE(source->Collect(out).ok());
    CHECK(out.Get("node_md_degraded{device=\"md0\"}") == 1);
    CHECK(out.Get("node_md_raid_disks{device=\"md0\"}") == 2);
    CHECK_FALSE(out.Has("node_md_raid_disks{device=\"md2\"}"));
    CHECK(out.Get("node_md_degraded{device=\"md2\"}") == 0);
    CHECK(out.Count("node_md_degraded") == 3);
  }
  dir.Write("proc/mdstat", "Personalities : [raid1]\n" + array +
                               "md3 : active raid1 sdc1[0] sdd1[1]\n      50 blocks [2/2] [UU]\n\n"
                               "unused devices: <none>\n");
  {
    testing::SampleRecorder out;
    const absl::Status status = source->Collect(out);
    INFO(status.ToString());
    REQUIRE(status.ok());
    CHECK(out.Get("node_md_raid_disks{device=\"md3\"}") == 2);
    CHECK(out.Count("node_md_degraded") == 4);
  }
}

}  // namespace
}  // namespace hostmon::agent
