// SPDX-License-Identifier: Apache-2.0
//
// The btrfs source and its parsers: node_exporter's two fixture filesystems (tests/fixtures/sys/
// fs/btrfs, from its sys.ttar: raid0/raid1 with commit_stats and a label, raid5/raid6 over four
// devices without commit_stats), malformed values and commit_stats, a host without Btrfs.
#include "agent/sources/btrfs/btrfs_source.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "agent/sources/btrfs/btrfs_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseBtrfsValue, ParseBtrfsCommitStats, BtrfsAllocationRatio", "[agent][btrfs]") {
  CHECK(ParseBtrfsValue("16777216\n") == 16777216);
  CHECK(ParseBtrfsValue("junk\n") == 0);  // procfs ignores the parse error
  CHECK(ParseBtrfsValue("") == 0);

  BtrfsCommitStats c;
  REQUIRE(ParseBtrfsCommitStats("commits 258051\nlast_commit_ms 1000\nmax_commit_ms 51462\n"
                                "total_commit_ms 47836090\nnew_field 3",
                                "f", &c)
              .ok());
  CHECK(c.commits == 258051);
  CHECK(c.max_commit_ms == 51462);
  CHECK(c.total_commit_ms == 47836090);
  REQUIRE(ParseBtrfsCommitStats("commits 5\n", "f", &c).ok());  // truncated: the rest 0
  CHECK(c.last_commit_ms == 0);
  CHECK(ParseBtrfsCommitStats("commits\n", "cs", &c).message() ==
        "cs line 1 (\"commits\"): expected \"<name> <value>\"");
  CHECK_FALSE(ParseBtrfsCommitStats("commits -1\n", "cs", &c).ok());
  CHECK_FALSE(ParseBtrfsCommitStats("commits 1 2\n", "cs", &c).ok());

  CHECK(BtrfsAllocationRatio("single", 1) == 1);
  CHECK(BtrfsAllocationRatio("raid10", 4) == 2);
  CHECK(BtrfsAllocationRatio("raid1c4", 4) == 4);
  CHECK(BtrfsAllocationRatio("raid5", 4) == 4.0 / 3);
  CHECK(BtrfsAllocationRatio("raid6", 4) == 2);
  CHECK(std::isinf(BtrfsAllocationRatio("raid5", 1)));
  CHECK(BtrfsAllocationRatio("raid7", 4) == 0);
}

TEST_CASE("btrfs source over node_exporter's fixture filesystems", "[agent][btrfs]") {
  const common::FsRoot fs = testing::FixtureRoot();
  testing::SampleRecorder out;
  REQUIRE(MakeBtrfsSource(SourceContext{&fs}).value()->Collect(out).ok());
  const std::string a = "uuid=\"0abb23a9-579b-43e6-ad30-227ef47fcb9d\"";
  const std::string b = "uuid=\"7f07c59f-6136-449c-ab87-e1cf2328731b\"";
  CHECK(out.Get("node_btrfs_info{label=\"fixture\"," + a + "}") == 1);
  CHECK(out.Get("node_btrfs_info{label=\"\"," + b + "}") == 1);
  CHECK(out.Get("node_btrfs_global_rsv_size_bytes{" + a + "}") == 16777216);
  CHECK(out.Get("node_btrfs_commits_total{" + a + "}") == 258051);
  CHECK(out.Get("node_btrfs_max_commit_seconds{" + a + "}") == 51.462);
  CHECK(out.Get("node_btrfs_commit_seconds_total{" + a + "}") == 47836.09);
  CHECK(out.Get("node_btrfs_commits_total{" + b + "}") == 0);  // no commit_stats
  CHECK(out.Get("node_btrfs_used_bytes{block_group_type=\"data\",mode=\"raid0\"," + a + "}") ==
        808189952);
  CHECK(out.Get("node_btrfs_allocation_ratio{block_group_type=\"data\",mode=\"raid5\"," + b +
                "}") == 4.0 / 3);
  CHECK(out.Get("node_btrfs_size_bytes{block_group_type=\"system\",mode=\"raid6\"," + b + "}") ==
        16777216);
  CHECK(out.Get("node_btrfs_reserved_bytes{block_group_type=\"metadata\"," + b + "}") == 0);
  CHECK(out.Get("node_btrfs_device_size_bytes{device=\"loop25\"," + a + "}") == 10737418240.0);
  CHECK(out.Count("node_btrfs_device_size_bytes") == 6);
  CHECK(out.types["node_btrfs_commits_total"] == kCounter);
  CHECK(out.samples.size() == 2 * (6 + 3 + 3 * 3) + 6);
}

TEST_CASE("btrfs source: missing files, errors, no Btrfs", "[agent][btrfs]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  SourcePtr source = MakeBtrfsSource(SourceContext{&fs}).value();
  testing::SampleRecorder none;
  CHECK(absl::IsNotFound(source->Collect(none)));  // one failed listing, nothing else

  // features/ is not a filesystem; a filesystem with hardly anything: zeros, its directory name
  // as uuid.
  dir.Write("sys/fs/btrfs/features/big_metadata", "0\n");
  const std::string f = "sys/fs/btrfs/1234-abcd";
  dir.Write(f + "/allocation/data/single/total_bytes", "4096\n");
  dir.Write(f + "/allocation/data/bytes_reserved", "x\n");
  testing::SampleRecorder sparse;
  REQUIRE(source->Collect(sparse).ok());
  CHECK(sparse.Get("node_btrfs_info{label=\"\",uuid=\"1234-abcd\"}") == 1);
  CHECK(sparse.Get("node_btrfs_size_bytes{block_group_type=\"data\",mode=\"single\","
                   "uuid=\"1234-abcd\"}") == 4096);
  CHECK(sparse.Get("node_btrfs_reserved_bytes{block_group_type=\"data\",uuid=\"1234-abcd\"}") == 0);
  CHECK(sparse.samples.size() == 6 + 3 + 3);

  // A bad commit_stats fails the round, and nothing is written.
  dir.Write(f + "/commit_stats", "commits many\n");
  testing::SampleRecorder bad;
  const absl::Status s = source->Collect(bad);
  CHECK(s.message().find("1234-abcd/commit_stats line 1") != std::string::npos);
  CHECK(bad.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
