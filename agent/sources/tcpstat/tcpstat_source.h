// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_tcp_connection_states{state} from /proc/net/tcp and /proc/net/tcp6, as node_exporter's
// tcpstat collector (which asks netlink sock_diag for the same sockets). Off by default.
absl::StatusOr<SourcePtr> MakeTcpstatSource(const SourceContext& ctx);

}  // namespace hostmon::agent
