// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_softirqs_functions_total{cpu,type} from /proc/softirqs, as node_exporter 1.12's softirqs
// collector (off by default there and here).
absl::StatusOr<SourcePtr> MakeSoftirqsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
