// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <vector>

#include "agent/source.h"
#include "agent/sources/common/sysfs_dir.h"

namespace hostmon::agent {

// node_exporter's hwmon collector: every sensor attribute of /sys/class/hwmon/hwmon*/ (and of
// its device/ directory) as node_hwmon_<type>[_<property>]_<unit>{chip,sensor}, plus
// node_hwmon_chip_names{chip,chip_name} and node_hwmon_sensor_label{chip,label,sensor}, as
// node_exporter 1.12. The chip label comes from the resolved hwmonN/device symlink
// ("platform_coretemp_0"), else the name file, else "hwmonN"; chips sharing a parent device get
// the name file or hwmonN appended (AssignHwmonChipLabels), so every chip has its own label.
// Options chip-include/-exclude and sensor-include/-exclude (node_exporter's
// --collector.hwmon.* flags, RE2, unanchored). NotFound without /sys/class/hwmon.
const std::vector<SourceOption>& HwmonOptions();
absl::StatusOr<SourcePtr> MakeHwmonSource(const SourceContext& ctx);
// Without filters, over `ops` (tests).
absl::StatusOr<SourcePtr> MakeHwmonSourceWithOps(const common::FsRoot& fs,
                                                 std::unique_ptr<SysfsDirOps> ops);

}  // namespace hostmon::agent
