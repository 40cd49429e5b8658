// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_schedstat_{running_seconds,waiting_seconds,timeslices}_total{cpu} from /proc/schedstat,
// as node_exporter's schedstat collector. NotFound without CONFIG_SCHEDSTATS.
absl::StatusOr<SourcePtr> MakeSchedstatSource(const SourceContext& ctx);

}  // namespace hostmon::agent
