// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "agent/source.h"
#include "agent/sources/common/sysfs_dir.h"
#include "common/clock.h"

namespace hostmon::agent {

// node_exporter's hwmon collector: every sensor attribute of /sys/class/hwmon/hwmon*/ (and of
// its device/ directory) as node_hwmon_<type>[_<property>]_<unit>{chip,sensor}, plus
// node_hwmon_chip_names{chip,chip_name} and node_hwmon_sensor_label{chip,label,sensor}, as
// node_exporter 1.12. The chip label comes from the resolved hwmonN/device symlink
// ("platform_coretemp_0"), else the name file, else "hwmonN"; chips sharing a parent device get
// the name file or hwmonN appended (AssignHwmonChipLabels), so every chip has its own label.
// Options chip-include/-exclude and sensor-include/-exclude (node_exporter's
// --collector.hwmon.* flags, RE2, unanchored). NotFound without /sys/class/hwmon.
//
// The chips and their sensor files are listed and the sensor values read every collection (a chip
// or sensor that appears is reported at once). A chip's `name` file and its sensors' `*_label`
// files do not change while the chip exists: they are read at the chip's first collection and then
// every kHwmonRefresh, or at once when the chip's device link points elsewhere (a reloaded driver
// reusing the hwmonN number for another device).
const std::vector<SourceOption>& HwmonOptions();
absl::StatusOr<SourcePtr> MakeHwmonSource(const SourceContext& ctx);

inline constexpr absl::Duration kHwmonRefresh = absl::Minutes(5);

// Without filters, over `ops`, with the clock that schedules the refresh (tests; not owned).
absl::StatusOr<SourcePtr> MakeHwmonSourceWithOps(
    const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops,
    const common::Clock* clock = &common::RealClock::Get());

}  // namespace hostmon::agent
