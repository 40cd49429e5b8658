// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total{cpu,mode} from /proc/stat, as
// node_exporter's cpu collector.
absl::StatusOr<SourcePtr> MakeCpuSource(const SourceContext& ctx);

}  // namespace hostmon::agent
