// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_cpu_frequency_{,min_,max_}hertz{cpu} and node_cpu_scaling_frequency_{,min_,max_}hertz{cpu}
// from /sys/devices/system/cpu/cpu<N>/cpufreq, as node_exporter 1.5.0's cpufreq collector (a
// missing file skips that series). NotFound when no CPU has a cpufreq directory (e.g. VMs).
absl::StatusOr<SourcePtr> MakeCpufreqSource(const SourceContext& ctx);

}  // namespace hostmon::agent
