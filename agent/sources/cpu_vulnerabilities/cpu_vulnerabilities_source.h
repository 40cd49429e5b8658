// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_cpu_vulnerabilities_info{codename,mitigation,state} 1 per file of
// /sys/devices/system/cpu/vulnerabilities, as node_exporter 1.12's cpu_vulnerabilities
// collector (off by default there and here). NotFound without the directory (kernels before
// 4.15).
absl::StatusOr<SourcePtr> MakeCpuVulnerabilitiesSource(const SourceContext& ctx);

}  // namespace hostmon::agent
