// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// node_network_{receive,transmit}_*_total{device} from /proc/net/dev, as node_exporter's netdev
// collector with --no-collector.netdev.netlink. Options device-include / device-exclude
// (default "^lo$", Debian's node_exporter default).
absl::StatusOr<SourcePtr> MakeNetdevSource(const SourceContext& ctx);

}  // namespace hostmon::agent
