// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// node_ipvs_{connections,incoming_packets,outgoing_packets,incoming_bytes,outgoing_bytes}_total
// from /proc/net/ip_vs_stats and node_ipvs_backend_{connections_active,connections_inactive,
// weight}{local_address,local_port,remote_address,remote_port,proto,local_mark} from
// /proc/net/ip_vs, as node_exporter 1.12's ipvs collector: real servers with the same values of
// the labels chosen by option backend-labels are summed. NotFound without ip_vs_stats (module not
// loaded): one failed open per cycle.
absl::StatusOr<SourcePtr> MakeIpvsSource(const SourceContext& ctx);

// backend-labels (default: all six).
std::vector<SourceOption> IpvsOptions();

}  // namespace hostmon::agent
