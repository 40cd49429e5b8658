// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_cgroups_cgroups{subsys_name} and node_cgroups_enabled{subsys_name} from /proc/cgroups, as
// node_exporter 1.12's cgroups collector (off by default there and here; its HELP for both
// families is the same text).
absl::StatusOr<SourcePtr> MakeCgroupsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
