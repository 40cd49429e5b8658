// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// node_arp_entries{device} from /proc/net/arp, as node_exporter's arp collector. Options
// device-include / device-exclude (default: none).
absl::StatusOr<SourcePtr> MakeArpSource(const SourceContext& ctx);

}  // namespace hostmon::agent
