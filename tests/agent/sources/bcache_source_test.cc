// SPDX-License-Identifier: Apache-2.0
//
// The bcache source and its parsers: node_exporter's fixture cache set (tests/fixtures/sys/fs/
// bcache/, from its sys.ttar) with and without priority-stats, bch_hprint's "human" values,
// writeback_rate_debug and priority_stats, truncated and malformed files, a host without bcache.
#include "agent/sources/bcache/bcache_source.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "agent/sources/bcache/bcache_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

constexpr char kUuid[] = "deaddd54-c735-46d5-868e-f331c5fd7c74";

TEST_CASE("DehumanizeBcache reads bch_hprint values as procfs", "[agent][bcache]") {
  uint64_t v = 0;
  REQUIRE(DehumanizeBcache("512", &v).ok());
  CHECK(v == 512);
  // The digit after the point is tenths of 1024: 1 + 1/10.24 MiB.
  REQUIRE(DehumanizeBcache("1.1M", &v).ok());
  CHECK(v == 1150976);
  REQUIRE(DehumanizeBcache("20.4G", &v).ok());
  CHECK(v == 21894266880u);
  REQUIRE(DehumanizeBcache("427.5k", &v).ok());
  CHECK(v == 437748);
  REQUIRE(DehumanizeBcache("3x", &v).ok());  // an unknown suffix multiplies by 0 in procfs
  CHECK(v == 0);
  REQUIRE(DehumanizeBcache("1.2.3k", &v).ok());  // a second point: the rest is ignored
  CHECK(v == static_cast<uint64_t>((1 + 2 / 10.24) * 1024));
  CHECK(DehumanizeBcache("", &v).message() == "empty value");
  CHECK(DehumanizeBcache("1.M", &v).message() == "not a number: \"1.M\"");
  CHECK_FALSE(DehumanizeBcache("abc", &v).ok());
  CHECK_FALSE(DehumanizeBcache("1 ", &v).ok());
  CHECK_FALSE(DehumanizeBcache("1..k", &v).ok());

  int64_t s = 0;
  REQUIRE(DehumanizeBcacheSigned("-790.0k", &s).ok());
  CHECK(s == -808960);
  REQUIRE(DehumanizeBcacheSigned("321.5k", &s).ok());
  CHECK(s == 329204);
  CHECK_FALSE(DehumanizeBcacheSigned("-", &s).ok());
}

TEST_CASE("ParseBcacheValue drops the newline, errors name the file", "[agent][bcache]") {
  uint64_t v = 0;
  REQUIRE(ParseBcacheValue("1305\n", "f", &v).ok());
  CHECK(v == 1305);
  REQUIRE(ParseBcacheValue("130\n", "f", &v).ok());
  CHECK(v == 130);
  // The last byte goes whatever it is, as in procfs (the kernel always ends with '\n').
  REQUIRE(ParseBcacheValue("1305", "f", &v).ok());
  CHECK(v == 130);
  CHECK(ParseBcacheValue("", "dir/written", &v).message() == "dir/written: empty file");
  CHECK(ParseBcacheValue("12z4\n", "dir/written", &v).message() ==
        "dir/written: not a number: \"12z4\"");
  CHECK_FALSE(ParseBcacheValue("\n", "f", &v).ok());
}

TEST_CASE("ParseBcacheWritebackRate", "[agent][bcache]") {
  const std::string golden = testing::ReadFixture(
      "sys/fs/bcache/deaddd54-c735-46d5-868e-f331c5fd7c74/bdev0/"
      "writeback_rate_debug");
  BcacheWritebackRate w;
  REQUIRE(ParseBcacheWritebackRate(golden, "f", &w).ok());
  CHECK(w.rate == 1150976);
  CHECK(w.dirty == 21894266880u);
  CHECK(w.target == 21894266880u);
  CHECK(w.proportional == 437748);
  CHECK(w.integral == 808960);
  CHECK(w.change == 329204);
  CHECK(w.next_io_ms == 17);

  // Truncated: what is there counts, the rest stays 0; unknown lines are skipped.
  REQUIRE(ParseBcacheWritebackRate("rate: 2k/sec\nnew field: x\ndirt", "f", &w).ok());
  CHECK(w.rate == 2048);
  CHECK(w.target == 0);
  REQUIRE(ParseBcacheWritebackRate("", "f", &w).ok());
  CHECK(w.rate == 0);

  const absl::Status bad = ParseBcacheWritebackRate("rate: 1k/sec\ntarget: 1.xG\n", "wrd", &w);
  CHECK(bad.message() == "wrd line 2 (\"target: 1.xG\"): not a number: \"1.xG\"");
  CHECK_FALSE(ParseBcacheWritebackRate("next io: soonms\n", "f", &w).ok());
  CHECK_FALSE(ParseBcacheWritebackRate("rate:\n", "f", &w).ok());  // the name is the last field
}

TEST_CASE("ParseBcachePriorityStats", "[agent][bcache]") {
  const std::string golden = testing::ReadFixture(
      "sys/fs/bcache/deaddd54-c735-46d5-868e-f331c5fd7c74/cache0/"
      "priority_stats");
  BcachePriorityStats p;
  REQUIRE(ParseBcachePriorityStats(golden, "f", &p).ok());
  CHECK(p.unused_percent == 99);
  CHECK(p.metadata_percent == 0);
  REQUIRE(ParseBcachePriorityStats("Metadata:\t3%\nUnus", "f", &p).ok());
  CHECK(p.metadata_percent == 3);
  CHECK(p.unused_percent == 0);
  CHECK(ParseBcachePriorityStats("Unused:\t-1%\n", "ps", &p)
            .message()
            .find("ps line 1 (\"Unused:\\t-1%\"): ") == 0);
  CHECK_FALSE(ParseBcachePriorityStats("Unused: 1.5%\n", "f", &p).ok());
}

TEST_CASE("bcache source over node_exporter's fixture set", "[agent][bcache]") {
  const common::FsRoot fs = testing::FixtureRoot();
  const std::string u = std::string("uuid=\"") + kUuid + "\"";
  const std::string bdev = "{backing_device=\"bdev0\"," + u + "}";
  const std::string cache = "{cache_device=\"cache0\"," + u + "}";

  SECTION("defaults: no priority stats") {
    const testing::TestContext ctx("bcache", fs);
    testing::SampleRecorder out;
    REQUIRE(MakeBcacheSource(ctx.get()).value()->Collect(out).ok());
    CHECK(out.samples.size() == 10 + 6 + 7 + 3);
    CHECK(out.Get("node_bcache_active_journal_entries{" + u + "}") == 1);
    CHECK(out.Get("node_bcache_cache_available_percent{" + u + "}") == 100);
    CHECK(out.Get("node_bcache_btree_read_average_duration_seconds{" + u + "}") == 1305 * 1e-9);
    CHECK(out.types["node_bcache_cache_read_races_total"] == kCounter);
    CHECK(out.Get("node_bcache_cache_hits_total" + bdev) == 546);
    CHECK(out.Get("node_bcache_cache_readaheads_total" + bdev) == 13);
    CHECK(out.Get("node_bcache_dirty_target_bytes" + bdev) == 21894266880.0);
    CHECK(out.Get("node_bcache_writeback_rate" + bdev) == 1150976);
    CHECK(out.Get("node_bcache_writeback_rate_integral_term" + bdev) == 808960);
    CHECK(out.Get("node_bcache_writeback_change" + bdev) == 329204);
    CHECK(out.Get("node_bcache_metadata_written_bytes_total" + cache) == 512);
    CHECK(out.Get("node_bcache_io_errors" + cache) == 0);
    CHECK_FALSE(out.Has("node_bcache_priority_stats_unused_percent" + cache));
  }
  SECTION("priority-stats=true") {
    const testing::TestContext ctx("bcache", fs, {{"priority-stats", "true"}});
    testing::SampleRecorder out;
    REQUIRE(MakeBcacheSource(ctx.get()).value()->Collect(out).ok());
    CHECK(out.samples.size() == 10 + 6 + 7 + 3 + 2);
    CHECK(out.Get("node_bcache_priority_stats_unused_percent" + cache) == 99);
    CHECK(out.Get("node_bcache_priority_stats_metadata_percent" + cache) == 0);
  }
  SECTION("bad option") {
    const testing::TestContext ctx("bcache", fs, {{"priority-stats", "yes"}});
    CHECK(MakeBcacheSource(ctx.get()).status().message().find("priority-stats") !=
          std::string::npos);
  }
}

TEST_CASE("bcache source: missing files, errors, no bcache", "[agent][bcache]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  const testing::TestContext ctx("bcache", fs, {{"priority-stats", "true"}});
  SourcePtr source = MakeBcacheSource(ctx.get()).value();
  testing::SampleRecorder none;
  CHECK(absl::IsNotFound(source->Collect(none)));  // one failed listing, nothing else
  CHECK(none.samples.empty());

  // Entries without a '-' are the control files, not sets; absent value files count 0.
  dir.Write("sys/fs/bcache/register", "");
  const std::string set = std::string("sys/fs/bcache/") + kUuid;
  dir.Write(set + "/tree_depth", "2\n");
  dir.Write(set + "/bdev1/writeback_rate_debug", "rate: 4.0k/sec\n");
  dir.Write(set + "/bdev1/stats_total/cache_readaheads", "0\n");
  dir.Write(set + "/cache0/priority_stats", "Unused: 7%\n");
  testing::SampleRecorder sparse;
  REQUIRE(source->Collect(sparse).ok());
  const std::string u = std::string("uuid=\"") + kUuid + "\"";
  CHECK(sparse.Get("node_bcache_tree_depth{" + u + "}") == 2);
  CHECK(sparse.Get("node_bcache_congested{" + u + "}") == 0);
  CHECK(sparse.Get("node_bcache_writeback_rate{backing_device=\"bdev1\"," + u + "}") == 4096);
  // readaheads only when non-zero, as node_exporter
  CHECK_FALSE(sparse.Has("node_bcache_cache_readaheads_total{backing_device=\"bdev1\"," + u + "}"));
  CHECK(sparse.Get("node_bcache_priority_stats_unused_percent{cache_device=\"cache0\"," + u +
                   "}") == 7);
  CHECK(sparse.samples.size() == 10 + 6 + 6 + 3 + 2);

  // A bad value fails the collection and nothing of the set is written.
  dir.Write(set + "/cache0/written", "lots\n");
  testing::SampleRecorder bad;
  const absl::Status s = source->Collect(bad);
  CHECK(s.message().find("cache0/written: not a number: \"lots\"") != std::string::npos);
  CHECK(bad.samples.empty());

  // writeback_rate_debug (and priority_stats when asked for) must exist, as in procfs: an
  // error, not "no bcache on this host".
  dir.Write(set + "/cache0/written", "0\n");
  dir.Write(set + "/bdev2/dirty_data", "0\n");
  testing::SampleRecorder missing;
  const absl::Status m = source->Collect(missing);
  CHECK(absl::IsFailedPrecondition(m));
  CHECK(m.message().find("bdev2/writeback_rate_debug") != std::string::npos);
  CHECK(missing.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
