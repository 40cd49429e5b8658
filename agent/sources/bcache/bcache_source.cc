// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/bcache/bcache_source.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/bcache/bcache_parser.h"
#include "common/dir_entries.h"
#include "common/fs_root.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's collector/bcache_linux.go; help texts verbatim.
struct ValueFile {
  absl::string_view file;  // relative to the set's directory
  MetricDesc desc;
};
constexpr ValueFile kSetFiles[] = {
    {"average_key_size",
     {"node_bcache_average_key_size_sectors", kGauge,
      "Average data per key in the btree (sectors)."}},
    {"btree_cache_size",
     {"node_bcache_btree_cache_size_bytes", kGauge,
      "Amount of memory currently used by the btree cache."}},
    {"cache_available_percent",
     {"node_bcache_cache_available_percent", kGauge,
      "Percentage of cache device without dirty data, usable for writeback (may contain clean "
      "cached data)."}},
    {"congested", {"node_bcache_congested", kGauge, "Congestion."}},
    {"root_usage_percent",
     {"node_bcache_root_usage_percent", kGauge,
      "Percentage of the root btree node in use (tree depth increases if too high)."}},
    {"tree_depth", {"node_bcache_tree_depth", kGauge, "Depth of the btree."}},
    {"internal/active_journal_entries",
     {"node_bcache_active_journal_entries", kGauge,
      "Number of journal entries that are newer than the index."}},
    {"internal/btree_nodes", {"node_bcache_btree_nodes", kGauge, "Total nodes in the btree."}},
    // Microseconds in the kernel; procfs calls them nanoseconds and node_exporter scales by 1e-9,
    // which is kept for identical values.
    {"internal/btree_read_average_duration_us",
     {"node_bcache_btree_read_average_duration_seconds", kGauge, "Average btree read duration."}},
    {"internal/cache_read_races",
     {"node_bcache_cache_read_races_total", kCounter,
      "Counts instances where while data was being read from the cache, the bucket was reused and "
      "invalidated - i.e. where the pointer was stale after the read completed."}},
};
constexpr size_t kNumSetFiles = sizeof(kSetFiles) / sizeof(kSetFiles[0]);
constexpr size_t kBtreeReadDuration = 8;  // index in kSetFiles

// <bdev>/stats_total/; cache_readaheads (last) is exported only when non-zero.
constexpr ValueFile kPeriodFiles[] = {
    {"bypassed",
     {"node_bcache_bypassed_bytes_total", kCounter,
      "Amount of IO (both reads and writes) that has bypassed the cache."}},
    {"cache_hits",
     {"node_bcache_cache_hits_total", kCounter,
      "Hits counted per individual IO as bcache sees them."}},
    {"cache_misses",
     {"node_bcache_cache_misses_total", kCounter,
      "Misses counted per individual IO as bcache sees them."}},
    {"cache_bypass_hits",
     {"node_bcache_cache_bypass_hits_total", kCounter, "Hits for IO intended to skip the cache."}},
    {"cache_bypass_misses",
     {"node_bcache_cache_bypass_misses_total", kCounter,
      "Misses for IO intended to skip the cache."}},
    {"cache_miss_collisions",
     {"node_bcache_cache_miss_collisions_total", kCounter,
      "Instances where data insertion from cache miss raced with write (data already present)."}},
    {"cache_readaheads",
     {"node_bcache_cache_readaheads_total", kCounter, "Count of times readahead occurred."}},
};
constexpr size_t kNumPeriodFiles = sizeof(kPeriodFiles) / sizeof(kPeriodFiles[0]);

constexpr MetricDesc kDirtyData{"node_bcache_dirty_data_bytes", kGauge,
                                "Amount of dirty data for this backing device in the cache."};
constexpr MetricDesc kDirtyTarget{
    "node_bcache_dirty_target_bytes", kGauge,
    "Current dirty data target threshold for this backing device in bytes."};
constexpr MetricDesc kWritebackRate{"node_bcache_writeback_rate", kGauge,
                                    "Current writeback rate for this backing device in bytes."};
constexpr MetricDesc kProportional{
    "node_bcache_writeback_rate_proportional_term", kGauge,
    "Current result of proportional controller, part of writeback rate"};
constexpr MetricDesc kIntegral{"node_bcache_writeback_rate_integral_term", kGauge,
                               "Current result of integral controller, part of writeback rate"};
constexpr MetricDesc kChange{"node_bcache_writeback_change", kGauge,
                             "Last writeback rate change step for this backing device."};

constexpr ValueFile kCacheFiles[] = {
    {"io_errors",
     {"node_bcache_io_errors", kGauge,
      "Number of errors that have occurred, decayed by io_error_halflife."}},
    {"metadata_written",
     {"node_bcache_metadata_written_bytes_total", kCounter,
      "Sum of all non data writes (btree writes and all other metadata)."}},
    {"written",
     {"node_bcache_written_bytes_total", kCounter,
      "Sum of all data that has been written to the cache."}},
};
constexpr size_t kNumCacheFiles = sizeof(kCacheFiles) / sizeof(kCacheFiles[0]);
constexpr MetricDesc kPriorityUnused{"node_bcache_priority_stats_unused_percent", kGauge,
                                     "The percentage of the cache that doesn't contain any data."};
constexpr MetricDesc kPriorityMetadata{"node_bcache_priority_stats_metadata_percent", kGauge,
                                       "Bcache's metadata overhead."};

struct Bdev {
  std::string name;
  uint64_t dirty_data = 0;
  BcacheWritebackRate writeback;
  uint64_t total[kNumPeriodFiles] = {};
};
struct Cache {
  std::string name;
  uint64_t values[kNumCacheFiles] = {};
  BcachePriorityStats priority;
};
struct CacheSet {
  std::string uuid;
  uint64_t values[kNumSetFiles] = {};
  std::vector<Bdev> bdevs;  // the first n_bdevs are this cycle's
  size_t n_bdevs = 0;
  std::vector<Cache> caches;
  size_t n_caches = 0;
};

// Go's filepath.Match of "<prefix>[0-9]*" (bdev0, cache12).
bool IsMember(absl::string_view name, absl::string_view prefix) {
  return name.size() > prefix.size() && absl::StartsWith(name, prefix) &&
         absl::ascii_isdigit(static_cast<unsigned char>(name[prefix.size()]));
}

class BcacheSource : public Source {
 public:
  BcacheSource(const common::FsRoot& fs, bool priority_stats)
      : dir_(fs.Sys("fs/bcache")), priority_stats_(priority_stats) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &sets_listing_));
    // Everything is read before anything is written: a failure reports no set (node_exporter's
    // collector fails as a whole too).
    n_sets_ = 0;
    for (const absl::string_view uuid : sets_listing_.names) {
      if (!absl::StrContains(uuid, '-')) continue;  // register, pendings_cleanup, ...
      // Elements are reused from earlier cycles (strings keep their capacity); every field is
      // overwritten by the reads.
      if (n_sets_ == sets_.size()) sets_.emplace_back();
      CacheSet& set = sets_[n_sets_++];
      set.uuid.assign(uuid.data(), uuid.size());
      HM_RETURN_IF_ERROR(ReadSet(&set));
    }
    for (size_t i = 0; i < n_sets_; ++i) Write(sets_[i], out);
    return absl::OkStatus();
  }

 private:
  absl::Status ReadSet(CacheSet* set) {
    set_dir_.assign(dir_);
    absl::StrAppend(&set_dir_, "/", set->uuid);
    for (size_t i = 0; i < kNumSetFiles; ++i) {
      HM_RETURN_IF_ERROR(ReadValue(set_dir_, "", kSetFiles[i].file, &set->values[i]));
    }
    HM_RETURN_IF_ERROR(common::ListDir(set_dir_, &members_));
    set->n_bdevs = set->n_caches = 0;
    for (const absl::string_view name : members_.names) {
      if (IsMember(name, "bdev")) {
        if (set->n_bdevs == set->bdevs.size()) set->bdevs.emplace_back();
        Bdev& bdev = set->bdevs[set->n_bdevs++];
        bdev.name.assign(name.data(), name.size());
        HM_RETURN_IF_ERROR(ReadValue(set_dir_, name, "dirty_data", &bdev.dirty_data));
        HM_RETURN_IF_ERROR(ReadRequired(name, "writeback_rate_debug"));
        HM_RETURN_IF_ERROR(ParseBcacheWritebackRate(text_, path_, &bdev.writeback));
        for (size_t i = 0; i < kNumPeriodFiles; ++i) {
          HM_RETURN_IF_ERROR(
              ReadValue(set_dir_, name, "stats_total", kPeriodFiles[i].file, &bdev.total[i]));
        }
      }
    }
    for (const absl::string_view name : members_.names) {
      if (IsMember(name, "cache")) {
        if (set->n_caches == set->caches.size()) set->caches.emplace_back();
        Cache& cache = set->caches[set->n_caches++];
        cache.name.assign(name.data(), name.size());
        for (size_t i = 0; i < kNumCacheFiles; ++i) {
          HM_RETURN_IF_ERROR(ReadValue(set_dir_, name, kCacheFiles[i].file, &cache.values[i]));
        }
        if (priority_stats_) {
          HM_RETURN_IF_ERROR(ReadRequired(name, "priority_stats"));
          HM_RETURN_IF_ERROR(ParseBcachePriorityStats(text_, path_, &cache.priority));
        }
      }
    }
    return absl::OkStatus();
  }

  // <dir>/<sub>/<file> (sub may be empty), 0 when it does not exist (as procfs).
  absl::Status ReadValue(const std::string& dir, absl::string_view sub, absl::string_view file,
                         uint64_t* out) {
    return ReadValue(dir, sub, "", file, out);
  }
  absl::Status ReadValue(const std::string& dir, absl::string_view sub, absl::string_view sub2,
                         absl::string_view file, uint64_t* out) {
    path_.assign(dir);
    for (const absl::string_view part : {sub, sub2, file}) {
      if (!part.empty()) absl::StrAppend(&path_, "/", part);
    }
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (absl::IsNotFound(s)) {
      *out = 0;
      return absl::OkStatus();
    }
    HM_RETURN_IF_ERROR(s);
    return ParseBcacheValue(text_, path_, out);
  }

  // <set>/<member>/<file> into text_. It must exist: its absence is a broken set, not a host
  // without bcache (which NotFound would say).
  absl::Status ReadRequired(absl::string_view member, absl::string_view file) {
    path_.assign(set_dir_);
    absl::StrAppend(&path_, "/", member, "/", file);
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (absl::IsNotFound(s)) return absl::FailedPreconditionError(s.message());
    return s;
  }

  void Write(const CacheSet& set, SampleWriter& out) const {
    const LabelRef set_label[] = {{"uuid", set.uuid}};
    for (size_t i = 0; i < kNumSetFiles; ++i) {
      double v = static_cast<double>(set.values[i]);
      if (i == kBtreeReadDuration) v *= 1e-9;
      out.Add(kSetFiles[i].desc, set_label, v);
    }
    for (size_t b = 0; b < set.n_bdevs; ++b) {
      const Bdev& bdev = set.bdevs[b];
      const LabelRef labels[] = {{"backing_device", bdev.name}, {"uuid", set.uuid}};
      out.Add(kDirtyData, labels, static_cast<double>(bdev.dirty_data));
      out.Add(kDirtyTarget, labels, static_cast<double>(bdev.writeback.target));
      out.Add(kWritebackRate, labels, static_cast<double>(bdev.writeback.rate));
      out.Add(kProportional, labels, static_cast<double>(bdev.writeback.proportional));
      out.Add(kIntegral, labels, static_cast<double>(bdev.writeback.integral));
      out.Add(kChange, labels, static_cast<double>(bdev.writeback.change));
      for (size_t i = 0; i < kNumPeriodFiles; ++i) {
        if (i + 1 == kNumPeriodFiles && bdev.total[i] == 0) continue;  // readaheads
        out.Add(kPeriodFiles[i].desc, labels, static_cast<double>(bdev.total[i]));
      }
    }
    for (size_t c = 0; c < set.n_caches; ++c) {
      const Cache& cache = set.caches[c];
      const LabelRef labels[] = {{"cache_device", cache.name}, {"uuid", set.uuid}};
      for (size_t i = 0; i < kNumCacheFiles; ++i) {
        out.Add(kCacheFiles[i].desc, labels, static_cast<double>(cache.values[i]));
      }
      if (priority_stats_) {
        out.Add(kPriorityUnused, labels, static_cast<double>(cache.priority.unused_percent));
        out.Add(kPriorityMetadata, labels, static_cast<double>(cache.priority.metadata_percent));
      }
    }
  }

  const std::string dir_;
  const bool priority_stats_;
  common::DirListing sets_listing_, members_;  // reused: no allocation in steady state
  std::vector<CacheSet> sets_;                 // the first n_sets_ are this cycle's
  size_t n_sets_ = 0;
  std::string set_dir_, path_, text_;
};

}  // namespace

std::vector<SourceOption> BcacheOptions() {
  return {{"priority-stats", "false",
           "Expose the priority_stats percentages (expensive for the kernel: it sorts every "
           "bucket), as --collector.bcache.priorityStats (true/false)."}};
}

absl::StatusOr<SourcePtr> MakeBcacheSource(const SourceContext& ctx) {
  bool priority_stats = false;  // a context without options (tests) gets the default
  if (!ctx.Option("priority-stats").empty()) {
    HM_ASSIGN_OR_RETURN(priority_stats, ctx.Bool("priority-stats"));
  }
  return std::make_unique<BcacheSource>(*ctx.fs, priority_stats);
}

}  // namespace hostmon::agent
