// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_memory_numa_<field>{node} from /sys/devices/system/node/node<N>/meminfo (gauges, kB
// converted to bytes, "Active(anon)" named Active_anon) and node_memory_numa_<stat>_total{node}
// from numastat, as node_exporter 1.12's meminfo_numa collector (off by default there and here).
absl::StatusOr<SourcePtr> MakeMeminfoNumaSource(const SourceContext& ctx);

}  // namespace hostmon::agent
