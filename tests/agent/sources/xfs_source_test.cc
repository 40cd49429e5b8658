// SPDX-License-Identifier: Apache-2.0
//
// The xfs source and its parser: node_exporter's fixture stats file (tests/fixtures/sys/fs/xfs/
// sdb1, from node_exporter's sys.ttar), the global stats directory that is not a filesystem,
// vnodes with and without the newer free count, and malformed files.
#include "agent/sources/xfs/xfs_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "agent/sources/xfs/xfs_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kGolden =
    "extent_alloc 1 872 0 0\n"
    "abt 0 0 0 0\n"
    "blk_map 61 29 1 1 1 91 0\n"
    "bmbt 0 0 0 0\n"
    "dir 3 2 1 52\n"
    "trans 4 40 0\n"
    "ig 5 1 0 4 0 0 1\n"
    "log 8 21 0 5821 4\n"
    "rw 28 0\n"
    "vnodes 4 0 0 0 1 1 1 0\n"
    "xpc 3571712 3568056 0\n"
    "debug 0\n";

TEST_CASE("ParseXfsStats reads the groups node_exporter exports", "[agent][xfs]") {
  XfsStats s;
  REQUIRE(ParseXfsStats(kGolden, "stats", &s).ok());
  CHECK(s.extents_allocated == 1);
  CHECK(s.blocks_allocated == 872);
  CHECK(s.blk_map[0] == 61);
  CHECK(s.blk_map[5] == 91);
  CHECK(s.dir[3] == 52);
  CHECK(s.ig[0] == 5);
  CHECK(s.ig[6] == 1);
  CHECK(s.write_calls == 28);  // the kernel prints writes first
  CHECK(s.read_calls == 0);
  CHECK(s.vnodes[0] == 4);
  CHECK(s.vnodes[6] == 1);
}

TEST_CASE("ParseXfsStats: older vnodes line, unknown groups, errors", "[agent][xfs]") {
  XfsStats s;
  REQUIRE(ParseXfsStats("vnodes 1 2 3 4 5 6 7\nnewgroup 99999999999999999999 x\n", "f", &s).ok());
  CHECK(s.vnodes[6] == 7);

  const absl::Status short_group = ParseXfsStats("extent_alloc 1 2 3\n", "f", &s);
  CHECK(short_group.message().find("group extent_alloc: expected 4 counters, got 3") !=
        std::string::npos);
  CHECK(short_group.message().find("f") == 0);
  CHECK(ParseXfsStats("vnodes 1 2 3 4 5 6 7 8 9\n", "f", &s)
            .message()
            .find("expected 7 or 8 counters, got 9") != std::string::npos);
  CHECK_FALSE(ParseXfsStats("rw 28 -1\n", "f", &s).ok());
  CHECK_FALSE(ParseXfsStats("rw 28 1x\n", "f", &s).ok());
  // Truncated inside a group: a short line is an error, not a zero.
  CHECK_FALSE(ParseXfsStats("extent_alloc 1 872 0 0\nblk_map 61 29", "f", &s).ok());
  CHECK(ParseXfsStats("", "f", &s).message() ==
        "f: no XFS statistics group (extent_alloc, abt, ...) found");
  CHECK_FALSE(ParseXfsStats("not xfs at all\n", "f", &s).ok());
}

TEST_CASE("xfs source exports every filesystem under /sys/fs/xfs", "[agent][xfs]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeXfsSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.samples.size() == 39);  // one filesystem; /sys/fs/xfs/stats is not one
  CHECK(out.Get("node_xfs_extent_allocation_blocks_allocated_total{device=\"sdb1\"}") == 872);
  CHECK(out.Get("node_xfs_block_mapping_extent_list_lookups_total{device=\"sdb1\"}") == 91);
  CHECK(out.Get("node_xfs_directory_operation_getdents_total{device=\"sdb1\"}") == 52);
  CHECK(out.Get("node_xfs_write_calls_total{device=\"sdb1\"}") == 28);
  CHECK(out.Get("node_xfs_vnode_active_total{device=\"sdb1\"}") == 4);
  CHECK(out.types["node_xfs_read_calls_total"] == kCounter);
  CHECK(out.help["node_xfs_vnode_hold_total"] ==
        "Number of times vn_hold called for a filesystem.");
}

TEST_CASE("xfs source: no module is NotFound, a bad file fails naming it", "[agent][xfs]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  SourcePtr source = MakeXfsSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));

  dir.Write("sys/fs/xfs/dm-0/stats/stats", "extent_alloc 1 2\n");
  const absl::Status s = source->Collect(out);
  CHECK(s.message().find("dm-0/stats/stats") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent
