// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_exporter 1.12's zfs collector over the SPL kstats in /proc/spl/kstat/zfs:
//  - node_zfs_<subsystem>_<statistic> (untyped, HELP kstat.zfs.misc.<file>.<statistic>) for every
//    int64/uint64 row of abdstats (zfs_abd), arcstats (zfs_arc), dbufstats (zfs_dbuf), dmu_tx,
//    dnodestats (zfs_dnode), fm, vdev_cache_stats, vdev_mirror_stats, xuio_stats (zfs_xuio),
//    zfetchstats (zfs_zfetch) and zil, each file that the module version provides;
//  - node_zfs_zpool_<column>{zpool} from <pool>/io, node_zfs_zpool_dataset_<statistic>{dataset,
//    zpool} from <pool>/objset-*, node_zfs_zpool_state{state, zpool} (gauge) from <pool>/state.
// NotFound without /proc/spl/kstat/zfs (no ZFS module): one failed open per collection.
absl::StatusOr<SourcePtr> MakeZfsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
