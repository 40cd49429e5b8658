// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_drbd_* per DRBD 8 device ({device}, "drbd<minor>") from /proc/drbd, as node_exporter
// 1.12's drbd collector: network and disk bytes, meta data writes, pending requests, epochs,
// out-of-sync bytes, node_drbd_connected, and node_drbd_node_role_is_primary /
// node_drbd_disk_state_is_up_to_date with {node} local and remote. NotFound without /proc/drbd
// (the drbd module is not loaded): one failed open per cycle.
absl::StatusOr<SourcePtr> MakeDrbdSource(const SourceContext& ctx);

}  // namespace hostmon::agent
