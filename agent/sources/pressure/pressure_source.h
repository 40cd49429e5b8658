// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_pressure_{cpu_waiting,io_waiting,io_stalled,memory_waiting,memory_stalled}_seconds_total
// from /proc/pressure/{cpu,io,memory}, as node_exporter 1.5.0's pressure collector, plus
// node_pressure_irq_stalled_seconds_total from /proc/pressure/irq as newer node_exporter
// releases export it (the irq file exists only with CONFIG_IRQ_TIME_ACCOUNTING, Linux >= 6.1).
absl::StatusOr<SourcePtr> MakePressureSource(const SourceContext& ctx);

}  // namespace hostmon::agent
