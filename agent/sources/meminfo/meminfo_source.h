// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_memory_<Field>_bytes (and unit-less node_memory_HugePages_*) from /proc/meminfo, as
// node_exporter's meminfo collector.
absl::StatusOr<SourcePtr> MakeMeminfoSource(const SourceContext& ctx);

}  // namespace hostmon::agent
