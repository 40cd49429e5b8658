// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_xfrm_*_packets_total from /proc/net/xfrm_stat (IPsec errors by kind), as node_exporter
// 1.12's xfrm collector (off by default there and here). Every counter is exported; one the
// kernel does not print is 0.
absl::StatusOr<SourcePtr> MakeXfrmSource(const SourceContext& ctx);

}  // namespace hostmon::agent
