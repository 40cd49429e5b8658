// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/xfs/xfs_source.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "agent/sources/xfs/xfs_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's xfs collector (collector/xfs_linux.go), in its order; help texts verbatim
// (including its "existing directory entry was created" for removes).
constexpr MetricDesc kDescs[] = {
    {"node_xfs_extent_allocation_extents_allocated_total", kCounter,
     "Number of extents allocated for a filesystem."},
    {"node_xfs_extent_allocation_blocks_allocated_total", kCounter,
     "Number of blocks allocated for a filesystem."},
    {"node_xfs_extent_allocation_extents_freed_total", kCounter,
     "Number of extents freed for a filesystem."},
    {"node_xfs_extent_allocation_blocks_freed_total", kCounter,
     "Number of blocks freed for a filesystem."},
    {"node_xfs_allocation_btree_lookups_total", kCounter,
     "Number of allocation B-tree lookups for a filesystem."},
    {"node_xfs_allocation_btree_compares_total", kCounter,
     "Number of allocation B-tree compares for a filesystem."},
    {"node_xfs_allocation_btree_records_inserted_total", kCounter,
     "Number of allocation B-tree records inserted for a filesystem."},
    {"node_xfs_allocation_btree_records_deleted_total", kCounter,
     "Number of allocation B-tree records deleted for a filesystem."},
    {"node_xfs_block_mapping_reads_total", kCounter,
     "Number of block map for read operations for a filesystem."},
    {"node_xfs_block_mapping_writes_total", kCounter,
     "Number of block map for write operations for a filesystem."},
    {"node_xfs_block_mapping_unmaps_total", kCounter,
     "Number of block unmaps (deletes) for a filesystem."},
    {"node_xfs_block_mapping_extent_list_insertions_total", kCounter,
     "Number of extent list insertions for a filesystem."},
    {"node_xfs_block_mapping_extent_list_deletions_total", kCounter,
     "Number of extent list deletions for a filesystem."},
    {"node_xfs_block_mapping_extent_list_lookups_total", kCounter,
     "Number of extent list lookups for a filesystem."},
    {"node_xfs_block_mapping_extent_list_compares_total", kCounter,
     "Number of extent list compares for a filesystem."},
    {"node_xfs_block_map_btree_lookups_total", kCounter,
     "Number of block map B-tree lookups for a filesystem."},
    {"node_xfs_block_map_btree_compares_total", kCounter,
     "Number of block map B-tree compares for a filesystem."},
    {"node_xfs_block_map_btree_records_inserted_total", kCounter,
     "Number of block map B-tree records inserted for a filesystem."},
    {"node_xfs_block_map_btree_records_deleted_total", kCounter,
     "Number of block map B-tree records deleted for a filesystem."},
    {"node_xfs_directory_operation_lookup_total", kCounter,
     "Number of file name directory lookups which miss the operating systems directory name lookup "
     "cache."},
    {"node_xfs_directory_operation_create_total", kCounter,
     "Number of times a new directory entry was created for a filesystem."},
    {"node_xfs_directory_operation_remove_total", kCounter,
     "Number of times an existing directory entry was created for a filesystem."},
    {"node_xfs_directory_operation_getdents_total", kCounter,
     "Number of times the directory getdents operation was performed for a filesystem."},
    {"node_xfs_inode_operation_attempts_total", kCounter,
     "Number of times the OS looked for an XFS inode in the inode cache."},
    {"node_xfs_inode_operation_found_total", kCounter,
     "Number of times the OS looked for and found an XFS inode in the inode cache."},
    {"node_xfs_inode_operation_recycled_total", kCounter,
     "Number of times the OS found an XFS inode in the cache, but could not use it as it was being "
     "recycled."},
    {"node_xfs_inode_operation_missed_total", kCounter,
     "Number of times the OS looked for an XFS inode in the cache, but did not find it."},
    {"node_xfs_inode_operation_duplicates_total", kCounter,
     "Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had "
     "already been added by another process."},
    {"node_xfs_inode_operation_reclaims_total", kCounter,
     "Number of times the OS reclaimed an XFS inode from the inode cache to free memory for "
     "another purpose."},
    {"node_xfs_inode_operation_attribute_changes_total", kCounter,
     "Number of times the OS explicitly changed the attributes of an XFS inode."},
    {"node_xfs_read_calls_total", kCounter,
     "Number of read(2) system calls made to files in a filesystem."},
    {"node_xfs_write_calls_total", kCounter,
     "Number of write(2) system calls made to files in a filesystem."},
    {"node_xfs_vnode_active_total", kCounter,
     "Number of vnodes not on free lists for a filesystem."},
    {"node_xfs_vnode_allocate_total", kCounter,
     "Number of times vn_alloc called for a filesystem."},
    {"node_xfs_vnode_get_total", kCounter, "Number of times vn_get called for a filesystem."},
    {"node_xfs_vnode_hold_total", kCounter, "Number of times vn_hold called for a filesystem."},
    {"node_xfs_vnode_release_total", kCounter, "Number of times vn_rele called for a filesystem."},
    {"node_xfs_vnode_reclaim_total", kCounter,
     "Number of times vn_reclaim called for a filesystem."},
    {"node_xfs_vnode_remove_total", kCounter, "Number of times vn_remove called for a filesystem."},
};
constexpr size_t kNumMetrics = sizeof(kDescs) / sizeof(kDescs[0]);

// The values of one filesystem in kDescs' order.
void Values(const XfsStats& s, double (&out)[kNumMetrics]) {
  const double v[] = {
      static_cast<double>(s.extents_allocated),
      static_cast<double>(s.blocks_allocated),
      static_cast<double>(s.extents_freed),
      static_cast<double>(s.blocks_freed),
      static_cast<double>(s.abt[0]),
      static_cast<double>(s.abt[1]),
      static_cast<double>(s.abt[2]),
      static_cast<double>(s.abt[3]),
      static_cast<double>(s.blk_map[0]),
      static_cast<double>(s.blk_map[1]),
      static_cast<double>(s.blk_map[2]),
      static_cast<double>(s.blk_map[3]),
      static_cast<double>(s.blk_map[4]),
      static_cast<double>(s.blk_map[5]),
      static_cast<double>(s.blk_map[6]),
      static_cast<double>(s.bmbt[0]),
      static_cast<double>(s.bmbt[1]),
      static_cast<double>(s.bmbt[2]),
      static_cast<double>(s.bmbt[3]),
      static_cast<double>(s.dir[0]),
      static_cast<double>(s.dir[1]),
      static_cast<double>(s.dir[2]),
      static_cast<double>(s.dir[3]),
      static_cast<double>(s.ig[0]),
      static_cast<double>(s.ig[1]),
      static_cast<double>(s.ig[2]),
      static_cast<double>(s.ig[3]),
      static_cast<double>(s.ig[4]),
      static_cast<double>(s.ig[5]),
      static_cast<double>(s.ig[6]),
      static_cast<double>(s.read_calls),
      static_cast<double>(s.write_calls),
      static_cast<double>(s.vnodes[0]),
      static_cast<double>(s.vnodes[1]),
      static_cast<double>(s.vnodes[2]),
      static_cast<double>(s.vnodes[3]),
      static_cast<double>(s.vnodes[4]),
      static_cast<double>(s.vnodes[5]),
      static_cast<double>(s.vnodes[6]),
  };
  static_assert(sizeof(v) / sizeof(v[0]) == kNumMetrics, "one value per metric");
  for (size_t i = 0; i < kNumMetrics; ++i) out[i] = v[i];
}

class XfsSource : public Source {
 public:
  explicit XfsSource(const common::FsRoot& fs) : dir_(fs.Sys("fs/xfs")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &entries_));
    for (const absl::string_view device : entries_.names) {
      // /sys/fs/xfs/stats/ holds the global statistics (stats/stats), not a filesystem; a
      // filesystem unmounted since the listing has no file any more. Both are skipped.
      if (device == "stats") continue;
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", device, "/stats/stats");
      absl::Status s = common::ReadFileTo(path_, &text_);
      if (absl::IsNotFound(s)) continue;
      HM_RETURN_IF_ERROR(s);
      XfsStats stats;
      HM_RETURN_IF_ERROR(ParseXfsStats(text_, path_, &stats));
      double values[kNumMetrics];
      Values(stats, values);
      const LabelRef labels[] = {{"device", device}};
      for (size_t i = 0; i < kNumMetrics; ++i) out.Add(kDescs[i], labels, values[i]);
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  common::DirListing entries_;  // reused: no allocation in steady state
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeXfsSource(const SourceContext& ctx) {
  return std::make_unique<XfsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
