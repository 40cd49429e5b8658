// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_mountstats_nfs_* per NFS mount ({export,protocol,mountaddr}; per transport and per
// operation with {transport} / {operation}; node_mountstats_nfs_mountpoint_info per mount point)
// from /proc/self/mountstats, the server address from /proc/self/mountinfo, as node_exporter
// 1.12's mountstats collector: age, byte and page counters, VFS and NFS events, RPC transport
// counters, per-operation requests, bytes and times. A mount exported under several mount points
// is reported once. mountinfo is read only when there is an NFS mount. NotFound without
// /proc/self/mountstats.
absl::StatusOr<SourcePtr> MakeMountstatsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
