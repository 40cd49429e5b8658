// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_load1, node_load5, node_load15 from /proc/loadavg, as node_exporter's loadavg collector.
absl::StatusOr<SourcePtr> MakeLoadavgSource(const SourceContext& ctx);

}  // namespace hostmon::agent
