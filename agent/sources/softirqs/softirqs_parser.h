// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/softirqs (kernel/softirq.c, show_softirqs): a header of CPU columns, then one
// row per softirq vector with a count per CPU, e.g.
//
//                     CPU0       CPU1
//           HI:          7          1
//        TIMER:     424191     108342
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Calls fn(type, cpu_index, count) for every count of the vectors node_exporter knows (HI, TIMER,
// NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, RCU; `type` without the colon),
// cpu_index being the column's position (as node_exporter labels it). Other rows are skipped.
// Errors (naming `file` and the line): an empty file, a count that is not a decimal uint64.
absl::Status ParseSoftirqs(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(absl::string_view, size_t, uint64_t)> fn);

}  // namespace hostmon::agent
