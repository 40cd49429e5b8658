// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// Kernel samepage merging from /sys/kernel/mm/ksm/* (Documentation/admin-guide/mm/ksm.rst), as
// node_exporter 1.12's ksmd collector (off by default there and here): node_ksmd_full_scans_total,
// _general_profit_bytes, _merge_across_nodes, _pages_{shared,sharing,to_scan,unshared,volatile},
// _run, _sleep_seconds; a file the kernel lacks is skipped. NotFound without any of them.
absl::StatusOr<SourcePtr> MakeKsmdSource(const SourceContext& ctx);

}  // namespace hostmon::agent
