// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_entropy_available_bits and node_entropy_pool_size_bits from
// /proc/sys/kernel/random/{entropy_avail,poolsize}, as node_exporter's entropy collector.
absl::StatusOr<SourcePtr> MakeEntropySource(const SourceContext& ctx);

}  // namespace hostmon::agent
