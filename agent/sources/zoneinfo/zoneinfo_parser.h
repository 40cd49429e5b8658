// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/zoneinfo (mm/vmstat.c, zoneinfo_show): one block per memory zone, starting
// "Node <n>, zone <name>", with watermarks, page counts, the zone's vm statistics and (in the
// first zone of each node) the node's "per-node stats", e.g.
//
//   Node 0, zone      DMA
//     per-node stats
//         nr_inactive_anon 12345
//     pages free     3952
//           min      33
//           ...
//           protection: (0, 2877, 7826, 7826, 7826)
//         nr_free_pages 3952
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The per-zone keys node_exporter 1.12 exports (procfs' Zoneinfo fields), in its order.
constexpr absl::string_view kZoneinfoKeys[] = {"nr_free_pages",
                                               "min",
                                               "low",
                                               "high",
                                               "scanned",
                                               "spanned",
                                               "present",
                                               "managed",
                                               "nr_active_anon",
                                               "nr_inactive_anon",
                                               "nr_isolated_anon",
                                               "nr_anon_pages",
                                               "nr_anon_transparent_hugepages",
                                               "nr_active_file",
                                               "nr_inactive_file",
                                               "nr_isolated_file",
                                               "nr_file_pages",
                                               "nr_slab_reclaimable",
                                               "nr_slab_unreclaimable",
                                               "nr_mlock_stack",
                                               "nr_kernel_stack",
                                               "nr_mapped",
                                               "nr_dirty",
                                               "nr_writeback",
                                               "nr_unevictable",
                                               "nr_shmem",
                                               "nr_dirtied",
                                               "nr_written",
                                               "numa_hit",
                                               "numa_miss",
                                               "numa_foreign",
                                               "numa_interleave",
                                               "numa_local",
                                               "numa_other"};
constexpr size_t kNumZoneinfoKeys = sizeof(kZoneinfoKeys) / sizeof(kZoneinfoKeys[0]);
constexpr size_t kMaxZoneProtection = 16;

struct ZoneStats {
  absl::string_view node, zone;  // "" when the block has no "Node N, zone Z" line
  int64_t values[kNumZoneinfoKeys] = {};
  bool present[kNumZoneinfoKeys] = {};  // the key appeared in the block with a valid number
  int64_t protection[kMaxZoneProtection] = {};
  size_t protection_count = 0;  // 0 when the line is absent or not a list of integers
};

// Calls fn(zone) for each block, as node_exporter's procfs reads the file: a value that is not
// an integer (Go's ParseInt base 0) leaves its key absent rather than failing the parse, and the
// per-node stats belong to the zone block they are printed in. Errors: an empty file.
absl::Status ParseZoneinfo(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(const ZoneStats&)> fn);

}  // namespace hostmon::agent
