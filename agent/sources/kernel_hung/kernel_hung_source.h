// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_kernel_hung_tasks_total from /proc/sys/kernel/hung_task_detect_count (Linux 6.13+: tasks
// the hung-task detector has reported since boot), as node_exporter 1.12's kernel_hung
// collector. NotFound on kernels without the file.
absl::StatusOr<SourcePtr> MakeKernelHungSource(const SourceContext& ctx);

}  // namespace hostmon::agent
