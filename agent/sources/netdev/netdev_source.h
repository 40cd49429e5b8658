// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// node_network_{receive,transmit}_*_total{device} from /proc/net/dev, plus
// node_network_receive_nohandler_total from /sys/class/net/<device>/statistics/rx_nohandler, which
// together are node_exporter 1.5.0's netdev output in its default netlink mode. Options
// device-include / device-exclude (default "^lo$", as the oracle node_exporter 1.5.0).
absl::StatusOr<SourcePtr> MakeNetdevSource(const SourceContext& ctx);

}  // namespace hostmon::agent
