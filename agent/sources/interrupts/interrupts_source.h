// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_interrupts_total{cpu,type,info,devices} from /proc/interrupts, as node_exporter 1.5.0's
// interrupts collector (off by default there and here: it is CPUs x IRQs series).
absl::StatusOr<SourcePtr> MakeInterruptsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
