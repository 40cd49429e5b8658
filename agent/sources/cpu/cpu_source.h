// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total{cpu,mode} from /proc/stat,
// node_cpu_isolated{cpu} from /sys/devices/system/cpu/isolated (read once) and
// node_cpu_core_throttles_total{core,package} / node_cpu_package_throttles_total{package} from
// cpu*/thermal_throttle/ (topology read again only when /proc/stat's CPU set changes), as
// node_exporter 1.12's cpu collector. With option `info` (or an include pattern) also its opt-in
// node_cpu_info{cachesize,core,cpu,family,microcode,model,model_name,package,stepping,vendor},
// node_cpu_flag_info{flag} and node_cpu_bug_info{bug} from /proc/cpuinfo, read again when the
// online CPUs change and every 100 collections.
const std::vector<SourceOption>& CpuOptions();
absl::StatusOr<SourcePtr> MakeCpuSource(const SourceContext& ctx);

}  // namespace hostmon::agent
