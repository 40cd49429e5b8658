// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "agent/source.h"
#include "agent/sources/common/sysfs_dir.h"

namespace hostmon::agent {

// node_exporter's rapl collector (without --collector.rapl.enable-zone-label):
// node_rapl_<zone>_joules_total{index,path} counters from /sys/class/powercap/*/{name,
// energy_uj}, e.g. node_rapl_package_joules_total{index="0",path="/sys/class/powercap/
// intel-rapl:0"}. NotFound without /sys/class/powercap or when energy_uj is not readable (root
// only since Linux 5.10), as node_exporter reports no data then.
absl::StatusOr<SourcePtr> MakeRaplSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeRaplSourceWithOps(const common::FsRoot& fs,
                                                std::unique_ptr<SysfsDirOps> ops);

}  // namespace hostmon::agent
