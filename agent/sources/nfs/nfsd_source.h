// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// The NFS server's statistics from /proc/net/rpc/nfsd, as node_exporter 1.12's nfsd collector:
// reply cache, stale file handles, disk bytes, threads, read-ahead cache, packets{proto},
// connections, RPCs and RPC errors{error}, node_nfsd_requests_total{proto,method} for the
// NFSv2/v3 procedures (without NULL) and the NFSv4 operations. NotFound when nfsd is not loaded:
// one failed open per cycle.
absl::StatusOr<SourcePtr> MakeNfsdSource(const SourceContext& ctx);

}  // namespace hostmon::agent
