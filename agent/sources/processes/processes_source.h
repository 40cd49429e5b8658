// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_processes_{pids,threads,max_processes,max_threads}, node_processes_state{state} and
// node_processes_threads_state{thread_state} from a scan of /proc/<pid>/stat and
// /proc/<pid>/task/<tid>/stat plus /proc/sys/kernel/{pid_max,threads-max}, as node_exporter
// 1.5.0's processes collector (off by default there and here: it reads a file per thread).
absl::StatusOr<SourcePtr> MakeProcessesSource(const SourceContext& ctx);

}  // namespace hostmon::agent
