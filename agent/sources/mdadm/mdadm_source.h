// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_md_{state,disks}{device,state}, node_md_disks_required, node_md_blocks,
// node_md_blocks_synced {device} from /proc/mdstat, as node_exporter 1.5.0's mdadm collector.
// NotFound when /proc/mdstat does not exist (no md driver).
absl::StatusOr<SourcePtr> MakeMdadmSource(const SourceContext& ctx);

}  // namespace hostmon::agent
