// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// The NFS client's RPC statistics from /proc/net/rpc/nfs, as node_exporter 1.12's nfs collector:
// node_nfs_packets_total{protocol}, node_nfs_connections_total, node_nfs_rpcs_total,
// node_nfs_rpc_retransmissions_total, node_nfs_rpc_authentication_refreshes_total and
// node_nfs_requests_total{proto,method} for every NFSv2, v3 and v4 procedure. NotFound when the
// NFS client module is not loaded: one failed open per cycle.
absl::StatusOr<SourcePtr> MakeNfsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
