// SPDX-License-Identifier: Apache-2.0
//
// The bcachefs source's parsers over node_exporter's fixture filesystem (a part of it in
// tests/fixtures/sys/fs/bcachefs; the whole of it runs in compat.node_exporter_e2e) and their
// edge cases, and the source over the fixture machine and small trees of its own: no bcachefs,
// a kernel without some files, counter names to sanitize, bad files.
#include "agent/sources/bcachefs/bcachefs_source.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agent/sources/bcachefs/bcachefs_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;
using testing::SampleRecorder;
using testing::ScopedTempDir;

constexpr char kFs[] = "sys/fs/bcachefs/deadbeef-1234-5678-9012-abcdefabcdef/";
constexpr char kUuid[] = "uuid=\"deadbeef-1234-5678-9012-abcdefabcdef\"";

common::FsRoot RootAt(const ScopedTempDir& dir) {
  return common::FsRoot(dir.File("proc"), dir.File("sys"), dir.path());
}

// The value, or the error message.
std::string Size(absl::string_view text) {
  uint64_t v = 0;
  const absl::Status s = ParseBcachefsHumanBytes(text, "f", &v);
  return s.ok() ? std::to_string(v) : std::string(s.message());
}

// ---- parsers ---------------------------------------------------------------------------------

TEST_CASE("ParseBcachefsHumanBytes reads the kernel's sizes as procfs does", "[agent][bcachefs]") {
  // Float times the binary unit, truncated: the values node_exporter's e2e output has.
  CHECK(Size("2.05G") == "2201170739");  // 2201170739.2
  CHECK(Size("28.2k") == "28876");       // 28876.8
  CHECK(Size("1.26k") == "1290");
  CHECK(Size("720") == "720");
  CHECK(Size("512k") == "524288");
  CHECK(Size("2.00M") == "2097152");
  CHECK(Size("44.5T") == "48928267436032");
  CHECK(Size("10.8T") == "11874725579980");
  CHECK(Size("1p") == "1125899906842624");
  CHECK(Size("1E") == "1152921504606846976");
  CHECK(Size("0") == "0");
  // Blanks around the number and between number and unit, a '+' (Go's ParseFloat takes both).
  CHECK(Size(" 5 k\n") == "5120");
  CHECK(Size("+3") == "3");
  CHECK(Size("-0.5") == "0");  // truncates to 0, as Go's conversion
  SECTION("errors") {
    CHECK(Size("") == "f: empty size: \"\"");
    CHECK(Size("k") == "f: not a size: \"k\"");
    CHECK(Size("lots") == "f: not a size: \"lots\"");
    CHECK(Size("1.5x") == "f: not a size: \"1.5x\"");
    CHECK(Size("1,5") == "f: not a size: \"1,5\"");
    CHECK(Size("-1") == "f: size out of range: \"-1\"");
    CHECK(Size("16E") == "f: size out of range: \"16E\"");  // 2^64
    CHECK(Size("inf") == "f: size out of range: \"inf\"");
    CHECK(Size("nan") == "f: size out of range: \"nan\"");
  }
}

TEST_CASE("ParseBcachefsCompressionStats (golden, edge cases, errors)", "[agent][bcachefs]") {
  std::vector<BcachefsCompressionRow> rows;
  const std::string text = ReadFixture(std::string(kFs) + "compression_stats");
  REQUIRE(ParseBcachefsCompressionStats(text, "compression_stats", &rows).ok());
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].algorithm == "lz4_old");
  CHECK(rows[0].compressed == 0);
  CHECK(rows[2].algorithm == "lz4");
  CHECK(rows[2].compressed == 52505975193);
  CHECK(rows[2].uncompressed == 76450417868);
  CHECK(rows[4].algorithm == "incompressible");
  CHECK(rows[4].uncompressed == 11874725579980);

  SECTION("header only, short rows, ':' after the name, a repeated algorithm") {
    REQUIRE(ParseBcachefsCompressionStats("lz4 1 2 3\n", "f", &rows).ok());
    CHECK(rows.empty());  // the first line is the header, whatever it says
    REQUIRE(ParseBcachefsCompressionStats("type compressed uncompressed\nzstd: 1k 2k\nshort 1\n"
                                          "lz4 1 2\nzstd 3 4 5\n",
                                          "f", &rows)
                .ok());
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].algorithm == "zstd");
    CHECK(rows[0].compressed == 3);  // the later row wins, as in procfs' map
    CHECK(rows[1].algorithm == "lz4");
  }
  SECTION("bad sizes, the unexported average extent size included") {
    for (const char* bad : {"h\nlz4 x 1\n", "h\nlz4 1 1x\n", "h\nlz4 1 1 big\n"}) {
      const absl::Status s = ParseBcachefsCompressionStats(bad, "/sys/x/compression_stats", &rows);
      CHECK(absl::IsInvalidArgument(s));
      CHECK_THAT(std::string(s.message()), Catch::StartsWith("/sys/x/compression_stats line 2") &&
                                               Catch::Contains("not a size"));
    }
  }
}

TEST_CASE("ParseBcachefsErrors (golden, edge cases, errors)", "[agent][bcachefs]") {
  std::vector<BcachefsErrorRow> rows;
  const std::string text = ReadFixture(std::string(kFs) + "errors");
  REQUIRE(ParseBcachefsErrors(text, "errors", &rows).ok());
  REQUIRE(rows.size() == 18);
  CHECK(rows[0].type == "btree_node_data_missing");
  CHECK(rows[0].count == 2);
  CHECK(rows[12].type == "reconcile_work_incorrectly_set");
  CHECK(rows[12].count == 113913);
  // Count and timestamp run together in the fixture: one 20-digit count, no timestamp.
  CHECK(rows[15].type == "extent_io_opts_not_set");
  CHECK(rows[15].count == 11299659571772285102u);

  REQUIRE(ParseBcachefsErrors("lonely\n\nx 1\nx 2 3\n", "f", &rows).ok());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].count == 2);
  REQUIRE(ParseBcachefsErrors("", "f", &rows).ok());
  CHECK(rows.empty());

  const absl::Status count = ParseBcachefsErrors("a 1 2\nb x 2\n", "/e", &rows);
  CHECK_THAT(std::string(count.message()),
             Catch::StartsWith("/e line 2") && Catch::Contains("count: not an unsigned integer"));
  const absl::Status ts = ParseBcachefsErrors("a 1 -2\n", "/e", &rows);
  CHECK_THAT(std::string(ts.message()), Catch::Contains("timestamp: not an unsigned integer"));
  const absl::Status range = ParseBcachefsErrors("a 18446744073709551616\n", "/e", &rows);
  CHECK_THAT(std::string(range.message()), Catch::Contains("out of range"));
}

TEST_CASE("ParseBcachefsCounter takes the since-creation value", "[agent][bcachefs]") {
  uint64_t v = 1;
  REQUIRE(
      ParseBcachefsCounter(ReadFixture(std::string(kFs) + "counters/bucket_alloc"), "f", &v).ok());
  CHECK(v == 37363674);
  REQUIRE(ParseBcachefsCounter(ReadFixture(std::string(kFs) + "counters/data_read"), "f", &v).ok());
  CHECK(v == 48928267436032);  // 44.5T
  REQUIRE(ParseBcachefsCounter("since mount: 5\n", "f", &v).ok());
  CHECK(v == 0);  // no since-creation line: 0, as procfs
  // Cut off inside the second line: what is left is not a since-creation line.
  REQUIRE(ParseBcachefsCounter("since mount: 5\nsince filesys", "f", &v).ok());
  CHECK(v == 0);
  REQUIRE(ParseBcachefsCounter("since filesystem creation:7", "f", &v).ok());
  CHECK(v == 7);

  const absl::Status none = ParseBcachefsCounter("12\n", "/c/x", &v);
  CHECK(absl::IsInvalidArgument(none));
  CHECK_THAT(std::string(none.message()),
             Catch::StartsWith("/c/x: counter file format not recognized"));
  CHECK(ParseBcachefsCounter("", "/c/x", &v).message().find("not recognized") !=
        absl::string_view::npos);
  // A bad since-mount value fails too, though it is not exported.
  const absl::Status bad =
      ParseBcachefsCounter("since mount: x\nsince filesystem creation: 1\n", "/c/x", &v);
  CHECK_THAT(std::string(bad.message()),
             Catch::StartsWith("/c/x line 1") && Catch::Contains("not a size"));
}

TEST_CASE("ParseBcachefsBtreeWriteStats (golden, errors)", "[agent][bcachefs]") {
  std::vector<BcachefsBtreeWriteRow> rows;
  const std::string text = ReadFixture(std::string(kFs) + "btree_write_stats");
  REQUIRE(ParseBcachefsBtreeWriteStats(text, "btree_write_stats", &rows).ok());
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].type == "initial");
  CHECK(rows[0].count == 3298401);
  CHECK(rows[0].average_size == 102400);
  CHECK(rows[1].type == "init_next_bset");
  CHECK(rows[1].average_size == 28876);
  CHECK(rows[3].type == "journal_reclaim");
  CHECK(rows[3].count == 66903805);

  REQUIRE(ParseBcachefsBtreeWriteStats("nr size\nshort: 1\n", "f", &rows).ok());
  CHECK(rows.empty());
  const absl::Status count = ParseBcachefsBtreeWriteStats("nr size\na: 1.5 1k\n", "/b", &rows);
  CHECK_THAT(std::string(count.message()),
             Catch::StartsWith("/b line 2") && Catch::Contains("count: not an unsigned integer"));
  const absl::Status size = ParseBcachefsBtreeWriteStats("nr size\na: 1 1q\n", "/b", &rows);
  CHECK_THAT(std::string(size.message()), Catch::Contains("not a size"));
}

TEST_CASE("ParseBcachefsIoDone (golden, edge cases, errors)", "[agent][bcachefs]") {
  std::vector<BcachefsIoDoneRow> rows;
  const std::string text = ReadFixture(std::string(kFs) + "dev-4/io_done");
  REQUIRE(ParseBcachefsIoDone(text, "io_done", &rows).ok());
  REQUIRE(rows.size() == 20);
  CHECK(rows[0].operation == "read");
  CHECK(rows[0].data_type == "sb");
  CHECK(rows[0].bytes == 86016);
  CHECK(rows[3].data_type == "user");
  CHECK(rows[3].bytes == 3770452246528);
  CHECK(rows[13].operation == "write");
  CHECK(rows[13].data_type == "user");
  CHECK(rows[13].bytes == 6258285805568);

  // Rows before a section and rows without ':' are skipped; a section may come back.
  REQUIRE(ParseBcachefsIoDone("sb : 1\n  read:  \nuser: 2\nnonsense\n\nwrite:\nuser :3\n"
                              "read:\nuser: 4\n",
                              "f", &rows)
              .ok());
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].operation == "read");
  CHECK(rows[0].bytes == 4);
  CHECK(rows[1].operation == "write");
  CHECK(rows[1].bytes == 3);

  const absl::Status s = ParseBcachefsIoDone("read:\nsb : 1\nuser: 12x\n", "/d/io_done", &rows);
  CHECK(absl::IsInvalidArgument(s));
  CHECK_THAT(std::string(s.message()), Catch::StartsWith("/d/io_done line 3") &&
                                           Catch::Contains("user: not an unsigned integer"));
}

TEST_CASE("ParseBcachefsIoErrors reads the since-creation section", "[agent][bcachefs]") {
  std::vector<BcachefsIoErrorRow> rows;
  const std::string text = ReadFixture(std::string(kFs) + "dev-4/io_errors");
  REQUIRE(ParseBcachefsIoErrors(text, "io_errors", &rows).ok());
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].type == "read");
  CHECK(rows[0].count == 197416);
  CHECK(rows[1].type == "write");
  CHECK(rows[1].count == 205);
  CHECK(rows[2].type == "checksum");
  CHECK(rows[2].count == 0);

  // Only the since-creation section, up to the next "IO errors since" line.
  REQUIRE(ParseBcachefsIoErrors("  read: 9\nIO errors since filesystem creation\n  read: 1\n"
                                "junk\n\nIO errors since 8 y ago\n  read: 2\n  bad: x\n",
                                "f", &rows)
              .ok());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].count == 1);
  REQUIRE(ParseBcachefsIoErrors("IO errors since 3 d ago\n  read: 2\n", "f", &rows).ok());
  CHECK(rows.empty());
  // Truncated after the header.
  REQUIRE(ParseBcachefsIoErrors("IO errors since filesystem creation\n", "f", &rows).ok());
  CHECK(rows.empty());

  const absl::Status s = ParseBcachefsIoErrors("IO errors since filesystem creation\n  read: -1\n",
                                               "/d/io_errors", &rows);
  CHECK_THAT(std::string(s.message()), Catch::StartsWith("/d/io_errors line 2") &&
                                           Catch::Contains("read: not an unsigned integer"));
}

// ---- source ----------------------------------------------------------------------------------

TEST_CASE("bcachefs source over the fixture machine", "[agent][bcachefs]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeBcachefsSource(SourceContext{&fs}).value();
  const SampleRecorder out = testing::CollectOk(*source);
  // 13 fixed families and 4 counters.
  CHECK(out.types.size() == 17);
  for (const auto& [series, n] : out.writes) {
    INFO(series);
    CHECK(n == 1);
  }
  const std::string u = kUuid;
  CHECK(out.Get("node_bcachefs_info{" + u + "}") == 1);
  CHECK(out.Get("node_bcachefs_btree_cache_size_bytes{" + u + "}") == 2201170739.0);
  CHECK(out.help.at("node_bcachefs_btree_cache_size_bytes") ==
        "Btree cache memory usage in bytes.");
  CHECK(out.Count("node_bcachefs_compression_compressed_bytes{") == 5);
  CHECK(out.Get("node_bcachefs_compression_uncompressed_bytes{algorithm=\"zstd\"," + u + "}") ==
        647466319872.0);
  CHECK(out.Count("node_bcachefs_errors_total{") == 18);
  CHECK(out.types.at("node_bcachefs_errors_total") == kCounter);
  CHECK(out.Get("node_bcachefs_errors_total{error_type=\"extent_io_opts_not_set\"," + u + "}") ==
        1.1299659571772285e+19);
  CHECK(out.Get("node_bcachefs_data_read_total{" + u + "}") == 48928267436032.0);
  CHECK(out.help.at("node_bcachefs_data_read_total") ==
        "Bcachefs counter data_read since filesystem creation.");
  CHECK(out.types.at("node_bcachefs_data_read_total") == kCounter);
  CHECK(out.Get("node_bcachefs_cached_ptr_drop_total{" + u + "}") == 2201170739.0);
  CHECK(out.Get("node_bcachefs_btree_writes_total{type=\"journal_reclaim\"," + u + "}") ==
        66903805);
  CHECK(out.Get("node_bcachefs_btree_write_average_size_bytes{type=\"interior\"," + u + "}") ==
        1290);
  CHECK(out.Get("node_bcachefs_device_info{device=\"10\",label=\"disk-10\",state=\"[rw] ro "
                "evacuating spare\"," +
                u + "}") == 1);
  CHECK(out.Get("node_bcachefs_device_bucket_size_bytes{device=\"10\"," + u + "}") == 524288);
  CHECK(out.Get("node_bcachefs_device_bucket_size_bytes{device=\"4\"," + u + "}") == 2097152);
  CHECK(out.Get("node_bcachefs_device_buckets{device=\"4\"," + u + "}") == 7629824);
  CHECK(out.Get("node_bcachefs_device_durability{device=\"4\"," + u + "}") == 1);
  CHECK(out.Count("node_bcachefs_device_io_done_bytes_total{") == 2 * 20);
  CHECK(out.Get("node_bcachefs_device_io_done_bytes_total{data_type=\"user\",device=\"4\","
                "operation=\"write\"," +
                u + "}") == 6258285805568.0);
  CHECK(out.Count("node_bcachefs_device_io_errors_total{") == 2 * 3);
  CHECK(out.Get("node_bcachefs_device_io_errors_total{device=\"4\",type=\"read\"," + u + "}") ==
        197416);
}

TEST_CASE("bcachefs source without bcachefs: NotFound, nothing walked", "[agent][bcachefs]") {
  SampleRecorder out;
  SECTION("no /sys/fs/bcachefs (module not loaded)") {
    const common::FsRoot fs = testing::EmptyRoot();
    SourcePtr source = MakeBcachefsSource(SourceContext{&fs}).value();
    const absl::Status s = source->Collect(out);
    CHECK(absl::IsNotFound(s));
    CHECK_THAT(std::string(s.message()), Catch::Contains("fs/bcachefs"));
  }
  SECTION("module loaded, nothing mounted") {
    ScopedTempDir dir;
    dir.Write("sys/fs/bcachefs/not-a-filesystem", "");
    const common::FsRoot fs = RootAt(dir);
    SourcePtr source = MakeBcachefsSource(SourceContext{&fs}).value();
    const absl::Status s = source->Collect(out);
    CHECK(absl::IsNotFound(s));
    CHECK_THAT(std::string(s.message()), Catch::Contains("no bcachefs filesystem mounted"));
  }
  CHECK(out.samples.empty());
}

TEST_CASE("bcachefs source: files a kernel lacks, counter names, what is not a device",
          "[agent][bcachefs]") {
  ScopedTempDir dir;
  // A filesystem with none of its files but an empty device directory: the info and cache size
  // series (0), the device's with "" and 0, as node_exporter.
  dir.Write("sys/fs/bcachefs/aaaa/dev-0/unrelated", "");
  // Another with counters whose names need sanitizing, a file named like a device and a
  // directory that is not one, and a device with only some files.
  const std::string b = "sys/fs/bcachefs/bbbb/";
  dir.Write(b + "btree_cache_size", "\n");  // empty: 0
  dir.Write(b + "counters/copy-gc.wait", "since mount: 1\nsince filesystem creation: 2k\n");
  dir.Write(b + "counters/x_-_y", "since mount: 3\n");
  dir.Write(b + "counters/sub/ignored", "junk\n");
  dir.Write(b + "dev-notadir", "");
  dir.Write(b + "options/foo", "");
  dir.Write(b + "dev-3/label", " ssd.fast \n");
  dir.Write(b + "dev-3/nbuckets", "100\n");
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeBcachefsSource(SourceContext{&fs}).value();
  const SampleRecorder out = testing::CollectOk(*source);

  CHECK(out.Get("node_bcachefs_info{uuid=\"aaaa\"}") == 1);
  CHECK(out.Get("node_bcachefs_btree_cache_size_bytes{uuid=\"aaaa\"}") == 0);
  CHECK(out.Get("node_bcachefs_device_info{device=\"0\",label=\"\",state=\"\",uuid=\"aaaa\"}") ==
        1);
  CHECK(out.Get("node_bcachefs_device_buckets{device=\"0\",uuid=\"aaaa\"}") == 0);
  CHECK(out.Get("node_bcachefs_device_bucket_size_bytes{device=\"0\",uuid=\"aaaa\"}") == 0);
  CHECK(out.Get("node_bcachefs_device_durability{device=\"0\",uuid=\"aaaa\"}") == 0);

  CHECK(out.Get("node_bcachefs_btree_cache_size_bytes{uuid=\"bbbb\"}") == 0);
  CHECK(out.Get("node_bcachefs_copy_gc_wait_total{uuid=\"bbbb\"}") == 2048);
  CHECK(out.help.at("node_bcachefs_copy_gc_wait_total") ==
        "Bcachefs counter copy-gc.wait since filesystem creation.");
  CHECK(out.Get("node_bcachefs_x_y_total{uuid=\"bbbb\"}") == 0);
  CHECK(out.Get("node_bcachefs_device_info{device=\"3\",label=\"ssd.fast\",state=\"\","
                "uuid=\"bbbb\"}") == 1);
  CHECK(out.Get("node_bcachefs_device_buckets{device=\"3\",uuid=\"bbbb\"}") == 100);
  // 2 x (info, cache size) + 2 counters + 2 x 4 device series; nothing from dev-notadir,
  // options/ or counters/sub.
  CHECK(out.samples.size() == 14);
  CHECK(out.Count("node_bcachefs_device_info{") == 2);
}

TEST_CASE("bcachefs source: a bad file fails the whole collection, naming the file",
          "[agent][bcachefs]") {
  ScopedTempDir dir;
  // A good filesystem first: none of its series may be written either (node_exporter exports
  // nothing when one file is bad).
  dir.Write("sys/fs/bcachefs/aaaa/btree_cache_size", "1k\n");
  const std::string b = "sys/fs/bcachefs/bbbb/";
  std::string bad_file;
  SECTION("btree_cache_size") { bad_file = b + "btree_cache_size"; }
  SECTION("compression_stats") { bad_file = b + "compression_stats"; }
  SECTION("errors") { bad_file = b + "errors"; }
  SECTION("counter") { bad_file = b + "counters/fsync"; }
  SECTION("btree_write_stats") { bad_file = b + "btree_write_stats"; }
  SECTION("bucket_size") { bad_file = b + "dev-1/bucket_size"; }
  SECTION("nbuckets") { bad_file = b + "dev-1/nbuckets"; }
  SECTION("durability") { bad_file = b + "dev-1/durability"; }
  SECTION("io_done") { bad_file = b + "dev-1/io_done"; }
  SECTION("io_errors") { bad_file = b + "dev-1/io_errors"; }
  // Bad in every format: a number where a size or integer belongs, every line.
  dir.Write(bad_file,
            "header x x x\nread:\nIO errors since filesystem creation\nx: x x x\n"
            "since filesystem creation: x\n");
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeBcachefsSource(SourceContext{&fs}).value();
  SampleRecorder out;
  const absl::Status s = source->Collect(out);
  CHECK(absl::IsInvalidArgument(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains(dir.File(bad_file)));
  CHECK(out.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
