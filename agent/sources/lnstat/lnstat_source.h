// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_lnstat_<field>_total{subsystem,cpu} for every table in /proc/net/stat/ (the counters
// lnstat(8) shows), as node_exporter 1.12's lnstat collector (off by default there and here).
// A field name that is not a valid metric name part is skipped.
absl::StatusOr<SourcePtr> MakeLnstatSource(const SourceContext& ctx);

}  // namespace hostmon::agent
