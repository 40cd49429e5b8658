// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "agent/source.h"
#include "agent/sources/common/sysfs_dir.h"

namespace hostmon::agent {

// node_exporter's powersupplyclass collector: node_power_supply_<attribute>{power_supply} gauges
// (online, capacity, voltage_volt, current_ampere, power_watt, temp_celsius, ...; micro-units
// scaled to base units) and node_power_supply_info{power_supply,<string attributes>} from
// /sys/class/power_supply/*/. A malformed numeric attribute fails the source, as in
// node_exporter. NotFound without /sys/class/power_supply.
absl::StatusOr<SourcePtr> MakePowerSupplyClassSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakePowerSupplyClassSourceWithOps(const common::FsRoot& fs,
                                                            std::unique_ptr<SysfsDirOps> ops);

}  // namespace hostmon::agent
