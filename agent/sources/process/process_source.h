// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// The agent's own resource use under client_golang's process_* names (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, ...), which every Go exporter, node_exporter
// included, exposes and which the Node Exporter Full dashboard charts as "Exporter Process".
// Reads <procfs>/self/{stat,limits,fd} and the boot time from <procfs>/stat.
absl::StatusOr<SourcePtr> MakeProcessSource(const SourceContext& ctx);

}  // namespace hostmon::agent
