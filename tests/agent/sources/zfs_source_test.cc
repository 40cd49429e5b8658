// SPDX-License-Identifier: Apache-2.0
//
// The zfs source's parsers over node_exporter's ZFS kstat fixture (OpenZFS on Linux output, in
// tests/fixtures/node_exporter/proc/spl/kstat/zfs; the whole fixture runs in
// compat.node_exporter_e2e) and their edge cases, and the source over that tree and small trees
// of its own: no ZFS module, a module without some kstats, bad files.
#include "agent/sources/zfs/zfs_source.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agent/sources/zfs/zfs_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::FixturePath;
using testing::ReadFixture;
using testing::SampleRecorder;
using testing::ScopedTempDir;

constexpr char kKstatDir[] = "node_exporter/proc/spl/kstat/zfs/";

common::FsRoot RootAt(const ScopedTempDir& dir) {
  return common::FsRoot(dir.File("proc"), dir.File("sys"), dir.path());
}

const ZfsKstatRow* Find(const std::vector<ZfsKstatRow>& rows, absl::string_view name) {
  for (const ZfsKstatRow& row : rows) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

// ---- parsers ---------------------------------------------------------------------------------

TEST_CASE("ParseZfsKstatNamed reads arcstats (golden)", "[agent][zfs]") {
  const std::string text = ReadFixture(std::string(kKstatDir) + "arcstats");
  std::vector<ZfsKstatRow> rows;
  REQUIRE(ParseZfsKstatNamed(text, "arcstats", &rows).ok());
  // 94 lines: the kstat header, the column header and 92 statistics.
  CHECK(rows.size() == 92);
  CHECK(rows.front().name == "anon_evictable_data");
  const ZfsKstatRow* c_max = Find(rows, "c_max");
  REQUIRE(c_max != nullptr);
  CHECK(c_max->type == kKstatUint64);
  CHECK(c_max->value == 8367976448.0);
  CHECK(Find(rows, "hits")->value == 8772612.0);
  // An int64 statistic, negative.
  const ZfsKstatRow* avail = Find(rows, "memory_available_bytes");
  REQUIRE(avail != nullptr);
  CHECK(avail->type == kKstatInt64);
  CHECK(avail->value == -922337203685477580.0);
}

TEST_CASE("ParseZfsKstatNamed keeps names with '-' and string rows verbatim", "[agent][zfs]") {
  std::vector<ZfsKstatRow> rows;
  // The rows view the text: it must outlive them.
  const std::string fm = ReadFixture(std::string(kKstatDir) + "fm");
  REQUIRE(ParseZfsKstatNamed(fm, "fm", &rows).ok());
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].name == "erpt-dropped");
  CHECK(rows[0].value == 18);

  // A dataset name with blanks, in a file without a final newline (poolz1/objset-2 has none).
  const std::string pool3 = ReadFixture(std::string(kKstatDir) + "pool3/objset-2");
  REQUIRE(ParseZfsKstatNamed(pool3, "objset-2", &rows).ok());
  REQUIRE(!rows.empty());
  CHECK(rows[0].name == "dataset_name");
  CHECK(rows[0].type == "7");
  CHECK(rows[0].data == "pool3/dataset with  space");
  CHECK(rows[0].value == 0);
  const std::string poolz1 = ReadFixture(std::string(kKstatDir) + "poolz1/objset-2");
  REQUIRE(ParseZfsKstatNamed(poolz1, "objset-2", &rows).ok());
  CHECK(Find(rows, "nunlinked")->value == 14);

  // A pool named "data": the column's own text, not the first "data" of the line (which
  // node_exporter takes, inside "dataset_name").
  REQUIRE(ParseZfsKstatNamed("23 1 0x01 7 2160 1 2\nname type data\n"
                             "dataset_name                    7    data\n",
                             "objset-1", &rows)
              .ok());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].data == "data");
}

TEST_CASE("ParseZfsKstatNamed: unknown types are returned unparsed, short rows skipped",
          "[agent][zfs]") {
  std::vector<ZfsKstatRow> rows;
  REQUIRE(ParseZfsKstatNamed("1 1 0x01 4 0 1 2\nname type data\n"
                             "a 4 1\n"
                             "weird 9 not-a-number\n"
                             "word 2 12\n"
                             "empty_string 7\n"
                             "b 3 -5 trailing\n",
                             "x", &rows)
              .ok());
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].value == 1);
  CHECK(rows[1].name == "weird");
  CHECK(rows[1].type == "9");
  CHECK(rows[1].value == 0);
  CHECK(rows[2].type == "2");
  CHECK(rows[2].value == 0);
  CHECK(rows[3].name == "b");
  CHECK(rows[3].value == -5);
}

TEST_CASE("ParseZfsKstatNamed: missing header, truncation and bad numbers", "[agent][zfs]") {
  std::vector<ZfsKstatRow> rows;
  SECTION("no column header") {
    const absl::Status s = ParseZfsKstatNamed("6 1 0x01 91 4368 5 9\nanon_size 4 1\n",
                                              "/proc/spl/kstat/zfs/arcstats", &rows);
    CHECK(absl::IsInvalidArgument(s));
    CHECK_THAT(std::string(s.message()),
               Catch::Contains("/proc/spl/kstat/zfs/arcstats") && Catch::Contains("column header"));
    CHECK(!ParseZfsKstatNamed("", "f", &rows).ok());
  }
  SECTION("truncated") {
    // Before the column header: an error; after it: the complete rows.
    CHECK(!ParseZfsKstatNamed("6 1 0x01 91 4368 5 9\nname ty", "f", &rows).ok());
    REQUIRE(ParseZfsKstatNamed("6 1 0x01 91 4368 5 9\nname type data\n", "f", &rows).ok());
    CHECK(rows.empty());
    REQUIRE(ParseZfsKstatNamed("6 1 0x01 9 4 5 9\nname type data\nhits 4 5\nmisses  4", "f", &rows)
                .ok());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "hits");
  }
  SECTION("bad numbers") {
    for (const char* row : {"hits 4 12x", "hits 4 -1", "hits 4 18446744073709551616",
                            "hits 3 9223372036854775808", "hits 3 1.5"}) {
      INFO(row);
      const absl::Status s = ParseZfsKstatNamed(
          std::string("6 1 0x01 9 4 5 9\nname type data\n") + row + "\n", "/k/arcstats", &rows);
      CHECK(absl::IsInvalidArgument(s));
      CHECK_THAT(std::string(s.message()),
                 Catch::StartsWith("/k/arcstats line 3") && Catch::Contains("hits"));
    }
  }
}

TEST_CASE("ParseZfsPoolIo reads <pool>/io (golden) and rejects bad files", "[agent][zfs]") {
  std::vector<ZfsIoField> io;
  const std::string text = ReadFixture(std::string(kKstatDir) + "poolz1/io");  // io views it
  REQUIRE(ParseZfsPoolIo(text, "io", &io).ok());
  REQUIRE(io.size() == 12);
  CHECK(io[0].name == "nread");
  CHECK(io[0].value == 2826240);
  CHECK(io[1].name == "nwritten");
  CHECK(io[1].value == 2680501248.0);
  CHECK(io[5].name == "wlentime");
  CHECK(io[5].value == 6472105124093.0);
  CHECK(io[11].name == "rcnt");

  const std::string header =
      "12 3 0x00 1 80 79205351707403 395818011156865\n"
      "nread    nwritten reads    writes   wtime    wlentime wupdate  rtime    rlentime rupdate  "
      "wcnt     rcnt\n";
  SECTION("no column header") {
    const absl::Status s = ParseZfsPoolIo("12 3 0x00 1 80 7 3\n1 2 3\n", "/z/pool1/io", &io);
    CHECK(absl::IsInvalidArgument(s));
    CHECK_THAT(std::string(s.message()),
               Catch::Contains("/z/pool1/io") && Catch::Contains("column header"));
  }
  SECTION("truncated") {
    CHECK_THAT(std::string(ParseZfsPoolIo(header, "/z/pool1/io", &io).message()),
               Catch::Contains("/z/pool1/io") && Catch::Contains("no values"));
    const absl::Status s = ParseZfsPoolIo(header + "1 2 3 4 5", "/z/pool1/io", &io);
    CHECK_THAT(std::string(s.message()),
               Catch::StartsWith("/z/pool1/io line 3") && Catch::Contains("expected 12 values"));
  }
  SECTION("bad number") {
    const absl::Status s =
        ParseZfsPoolIo(header + "1 2 3 4 5 6 7 8 9 10 x 12\n", "/z/pool1/io", &io);
    CHECK_THAT(std::string(s.message()),
               Catch::StartsWith("/z/pool1/io line 3") && Catch::Contains("wcnt"));
  }
}

TEST_CASE("ZfsPoolStateIs compares the first line case-insensitively", "[agent][zfs]") {
  CHECK(ZfsPoolStateIs("ONLINE\n", "online"));
  CHECK(ZfsPoolStateIs("SUSPENDED", "suspended"));
  CHECK_FALSE(ZfsPoolStateIs("ONLINE\n", "offline"));
  CHECK_FALSE(ZfsPoolStateIs("ONLINE \n", "online"));
  CHECK_FALSE(ZfsPoolStateIs("", "online"));
  CHECK_FALSE(ZfsPoolStateIs("\nONLINE\n", "online"));
}

// ---- source ----------------------------------------------------------------------------------

TEST_CASE("zfs source over node_exporter's fixture: its 278 families", "[agent][zfs]") {
  const common::FsRoot fs(FixturePath("node_exporter/proc"), FixturePath("node_exporter/sys"),
                          FixturePath("node_exporter"));
  SourcePtr source = MakeZfsSource(SourceContext{&fs}).value();
  const SampleRecorder out = testing::CollectOk(*source);
  CHECK(out.types.size() == 278);
  for (const auto& [series, n] : out.writes) {
    INFO(series);
    CHECK(n == 1);
  }
  CHECK(out.Get("node_zfs_arc_c_max") == 8367976448.0);
  CHECK(out.types.at("node_zfs_arc_c_max") == kUntyped);
  CHECK(out.help.at("node_zfs_arc_c_max") == "kstat.zfs.misc.arcstats.c_max");
  CHECK(out.Get("node_zfs_arc_memory_available_bytes") == -922337203685477580.0);
  CHECK(out.Get("node_zfs_fm_erpt_dropped") == 18);
  CHECK(out.help.at("node_zfs_fm_erpt_dropped") == "kstat.zfs.misc.fm.erpt-dropped");
  CHECK(out.Get("node_zfs_zil_zil_commit_count") == 10);
  CHECK(out.Get("node_zfs_dmu_tx_dmu_tx_assigned") == 3532844);
  CHECK(out.Get("node_zfs_zpool_nread{zpool=\"poolz1\"}") == 2826240);
  CHECK(out.help.at("node_zfs_zpool_nread") == "kstat.zfs.misc.io.nread");
  CHECK(out.Count("node_zfs_zpool_nread{") == 3);  // pool2 has no io
  CHECK(out.Get("node_zfs_zpool_dataset_nread{dataset=\"pool3/dataset with  space\",zpool="
                "\"pool3\"}") == 28);
  CHECK(out.help.at("node_zfs_zpool_dataset_nread") == "kstat.zfs.misc.objset.nread");
  CHECK(out.Count("node_zfs_zpool_dataset_nread{") == 6);
  CHECK(out.types.at("node_zfs_zpool_state") == kGauge);
  CHECK(out.help.at("node_zfs_zpool_state") == "kstat.zfs.misc.state");
  CHECK(out.Count("node_zfs_zpool_state{") == 4 * 7);
  CHECK(out.Get("node_zfs_zpool_state{state=\"suspended\",zpool=\"pool2\"}") == 1);
  CHECK(out.Get("node_zfs_zpool_state{state=\"online\",zpool=\"pool2\"}") == 0);
  CHECK(out.Get("node_zfs_zpool_state{state=\"degraded\",zpool=\"poolz1\"}") == 1);
}

TEST_CASE("zfs source without the ZFS module: NotFound", "[agent][zfs]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeZfsSource(SourceContext{&fs}).value();
  SampleRecorder out;
  const absl::Status s = source->Collect(out);
  CHECK(absl::IsNotFound(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("spl/kstat/zfs"));
  CHECK(out.samples.empty());
}

TEST_CASE("zfs source reads the kstats the module has and ignores the others", "[agent][zfs]") {
  ScopedTempDir dir;
  const std::string kstat = "1 1 0x01 1 0 1 2\nname type data\n";
  // An OpenZFS 2.2-like directory: no xuio_stats or vdev_cache_stats; files node_exporter does
  // not read (dbgmsg, import_progress) and a pool that has nothing but objsets.
  dir.Write("proc/spl/kstat/zfs/zil", kstat + "zil_commit_count 4 7\n");
  dir.Write("proc/spl/kstat/zfs/dbgmsg", "timestamp message\n");
  dir.Write("proc/spl/kstat/zfs/import_progress", "pool_guid load_state\n");
  dir.Write("proc/spl/kstat/zfs/data/objset-0x36",
            kstat + "dataset_name 7 data\nwrites 4 3\nnunlinks 3 2\n");
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeZfsSource(SourceContext{&fs}).value();
  const SampleRecorder out = testing::CollectOk(*source);
  CHECK(out.samples.size() == 2);
  CHECK(out.Get("node_zfs_zil_zil_commit_count") == 7);
  // Only an objset's uint64 rows, as node_exporter.
  CHECK(out.Get("node_zfs_zpool_dataset_writes{dataset=\"data\",zpool=\"data\"}") == 3);
}

TEST_CASE("zfs source: a bad kstat fails the collection naming the file", "[agent][zfs]") {
  ScopedTempDir dir;
  SECTION("bad number") {
    dir.Write("proc/spl/kstat/zfs/arcstats", "1 1 0x01 1 0 1 2\nname type data\nhits 4 x\n");
  }
  SECTION("not a named kstat") { dir.Write("proc/spl/kstat/zfs/arcstats", "garbage\n"); }
  SECTION("bad io") { dir.Write("proc/spl/kstat/zfs/tank/io", "garbage\n"); }
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeZfsSource(SourceContext{&fs}).value();
  SampleRecorder out;
  const absl::Status s = source->Collect(out);
  CHECK(absl::IsInvalidArgument(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains(dir.File("proc/spl/kstat/zfs/")));
}

}  // namespace
}  // namespace hostmon::agent
