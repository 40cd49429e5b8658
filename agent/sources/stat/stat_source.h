// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_boot_time_seconds, node_context_switches_total, node_forks_total, node_intr_total,
// node_procs_running and node_procs_blocked from /proc/stat, as node_exporter's stat collector.
// Parsing is shared with the cpu source (agent/sources/common/proc_stat_parser.h).
absl::StatusOr<SourcePtr> MakeStatSource(const SourceContext& ctx);

}  // namespace hostmon::agent
