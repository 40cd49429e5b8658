// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// Options and defaults (node_exporter's --collector.diskstats.device-{exclude,include}).
const std::vector<SourceOption>& DiskstatsOptions();

// node_disk_* {device} counters from /proc/diskstats and node_disk_info from the udev database
// (<rootfs>/run/udev/data/b<major>:<minor>), as node_exporter 1.5.0's diskstats collector.
// InvalidArgument (naming the option) on a bad regex or when both filters are set.
absl::StatusOr<SourcePtr> MakeDiskstatsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
