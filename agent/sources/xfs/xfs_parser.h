// SPDX-License-Identifier: Apache-2.0
//
// Parser for an XFS filesystem's runtime statistics, /sys/fs/xfs/<device>/stats/stats
// (fs/xfs/xfs_stats.c, https://xfs.org/index.php/Runtime_Stats): one line per group, a name and
// its counters, e.g.
//
//   extent_alloc 1 872 0 0
//   ig 5 1 0 4 0 0 1
//   vnodes 4 0 0 0 1 1 1 0
//
// The groups node_exporter exports are read; the others (and groups newer kernels add) are
// skipped, so a new kernel cannot break the parse.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The counters node_exporter's xfs collector exports, named as its metrics.
struct XfsStats {
  // extent_alloc
  uint64_t extents_allocated = 0, blocks_allocated = 0, extents_freed = 0, blocks_freed = 0;
  // abt (allocation B-tree) and bmbt (block map B-tree): lookups, compares, inserts, deletes
  uint64_t abt[4] = {}, bmbt[4] = {};
  // blk_map: reads, writes, unmaps, extent list insertions, deletions, lookups, compares
  uint64_t blk_map[7] = {};
  // dir: lookup, create, remove, getdents
  uint64_t dir[4] = {};
  // ig: attempts, found, recycled, missed, duplicates, reclaims, attribute changes
  uint64_t ig[7] = {};
  // rw: write calls, read calls (the kernel's order)
  uint64_t write_calls = 0, read_calls = 0;
  // vnodes: active, allocate, get, hold, release, reclaim, remove (a free count follows on
  // newer kernels and is not exported)
  uint64_t vnodes[7] = {};
};

// Parses the stats file's text. Errors (naming `file` and the group): a group that node_exporter
// exports with the wrong number of counters, a counter that is not a decimal uint64, or none of
// the exported groups at all (not an XFS stats file).
absl::Status ParseXfsStats(absl::string_view text, absl::string_view file, XfsStats* out);

}  // namespace hostmon::agent
