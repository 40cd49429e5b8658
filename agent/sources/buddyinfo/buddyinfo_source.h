// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_buddyinfo_blocks{node,zone,size} (free blocks of 2^size pages) from /proc/buddyinfo, as
// node_exporter 1.12's buddyinfo collector (off by default there and here).
absl::StatusOr<SourcePtr> MakeBuddyinfoSource(const SourceContext& ctx);

}  // namespace hostmon::agent
