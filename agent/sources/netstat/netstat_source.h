// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// node_netstat_<Proto>_<Field> (untyped) from /proc/net/netstat, /proc/net/snmp and
// /proc/net/snmp6, as node_exporter's netstat collector. Option `fields`: regex over
// "<Proto>_<Field>" (default node_exporter 1.5.0's).
absl::StatusOr<SourcePtr> MakeNetstatSource(const SourceContext& ctx);

// node_exporter 1.5.0's --collector.netstat.fields default plus TcpExt_TCPOFOQueue,
// TcpExt_TCPRcvQDrop and Tcp_MaxConn (a superset; see the definition).
extern const char kNetstatDefaultFields[];

}  // namespace hostmon::agent
