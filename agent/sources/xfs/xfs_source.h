// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_xfs_* counters per filesystem ({device}, the block device the filesystem is on) from
// /sys/fs/xfs/<device>/stats/stats, as node_exporter 1.12's xfs collector: extent allocation,
// allocation and block-map B-trees, block mapping, directory and inode-cache operations,
// read/write calls, vnodes. NotFound without /sys/fs/xfs (the xfs module is not loaded): one
// failed open per cycle.
absl::StatusOr<SourcePtr> MakeXfsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
