// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_softnet_{processed,dropped,times_squeezed}_total{cpu} from /proc/net/softnet_stat, as
// node_exporter 1.5.0's softnet collector (cpu is the line index), plus node_exporter >= 1.6's
// node_softnet_{received_rps,flow_limit_count}_total{cpu} when the kernel prints those columns.
absl::StatusOr<SourcePtr> MakeSoftnetSource(const SourceContext& ctx);

}  // namespace hostmon::agent
