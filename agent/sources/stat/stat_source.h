// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// node_boot_time_seconds, node_context_switches_total, node_forks_total, node_intr_total,
// node_procs_running and node_procs_blocked from /proc/stat, as node_exporter's stat collector.
// Parsing is shared with the cpu source (agent/sources/common/proc_stat_parser.h). With the
// softirq option (node_exporter's --collector.stat.softirq) also node_softirqs_total{vector}
// from the file's softirq line.
absl::StatusOr<SourcePtr> MakeStatSource(const SourceContext& ctx);

// softirq (default false).
std::vector<SourceOption> StatOptions();

}  // namespace hostmon::agent
