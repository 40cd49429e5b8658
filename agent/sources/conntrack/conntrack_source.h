// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_nf_conntrack_entries, node_nf_conntrack_entries_limit and node_nf_conntrack_stat_* from
// /proc/sys/net/netfilter and /proc/net/stat/nf_conntrack, as node_exporter's conntrack
// collector. NotFound without the nf_conntrack module.
absl::StatusOr<SourcePtr> MakeConntrackSource(const SourceContext& ctx);

}  // namespace hostmon::agent
