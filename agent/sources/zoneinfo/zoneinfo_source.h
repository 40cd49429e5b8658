// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_zoneinfo_*{node,zone} from /proc/zoneinfo (watermarks, page counts, per-zone vm and NUMA
// statistics, protection array), as node_exporter 1.12's zoneinfo collector (off by default
// there and here).
absl::StatusOr<SourcePtr> MakeZoneinfoSource(const SourceContext& ctx);

}  // namespace hostmon::agent
