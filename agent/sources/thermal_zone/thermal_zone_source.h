// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "agent/source.h"
#include "agent/sources/common/sysfs_dir.h"

namespace hostmon::agent {

// node_exporter's thermal_zone collector: node_thermal_zone_temp{type,zone} (Celsius) from
// /sys/class/thermal/thermal_zone*/{type,policy,temp}, node_cooling_device_{cur,max}_state
// {name,type} from /sys/class/thermal/cooling_device*/. Zones whose files are missing are
// skipped; a non-numeric temp or state fails the source, as in node_exporter. NotFound
// without /sys/class/thermal.
absl::StatusOr<SourcePtr> MakeThermalZoneSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeThermalZoneSourceWithOps(const common::FsRoot& fs,
                                                       std::unique_ptr<SysfsDirOps> ops);

}  // namespace hostmon::agent
