// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_bonding_slaves{master} and node_bonding_active{master} (slaves whose MII status is "up")
// from /sys/class/net/bonding_masters and each master's bonding/slaves and
// lower_<slave>/bonding_slave/mii_status (slave_<slave>/ on older kernels), as node_exporter
// 1.12's bonding collector. NotFound when the bonding driver is not loaded (no bonding_masters):
// one failed open per cycle on hosts without bonds.
absl::StatusOr<SourcePtr> MakeBondingSource(const SourceContext& ctx);

}  // namespace hostmon::agent
