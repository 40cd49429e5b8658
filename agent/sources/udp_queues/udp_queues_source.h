// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_udp_queues{ip="v4"|"v6",queue="tx"|"rx"} from /proc/net/udp and /proc/net/udp6, as
// node_exporter 1.5.0's udp_queues collector: the queue bytes summed over all sockets.
absl::StatusOr<SourcePtr> MakeUdpQueuesSource(const SourceContext& ctx);

}  // namespace hostmon::agent
