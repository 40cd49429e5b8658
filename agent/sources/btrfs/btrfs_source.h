// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// Btrfs filesystems from /sys/fs/btrfs/<fsid>/ (fs/btrfs/sysfs.c), as node_exporter 1.12's btrfs
// collector reads sysfs: node_btrfs_info{label,uuid}, the global reserve, commit statistics
// (commit_stats, Linux 6.0+; 0 before), reserved bytes per block group type and, per profile in
// use, used/size bytes and the allocation ratio, and node_btrfs_device_size_bytes{device,uuid}
// per member device. node_exporter's ioctl path (BTRFS_IOC_DEV_INFO/GET_DEV_STATS on mounted
// filesystems: device_unused_bytes, device_errors_total and the btrfs_dev_uuid label) is not
// implemented: the series are those node_exporter exports when its ioctls fail. A value that is
// not a number reads 0 (as procfs); a bad commit_stats line or an unreadable file fails the
// round, so that no filesystem is reported half. NotFound without Btrfs.
absl::StatusOr<SourcePtr> MakeBtrfsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
