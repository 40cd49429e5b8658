// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// InfiniBand (and RoCE/iWARP) adapters from /sys/class/infiniband/<device>/ (drivers/infiniband/
// core/sysfs.c), as node_exporter 1.12's infiniband collector: node_infiniband_info{board_id,
// device,firmware_version,hca_type}, per port state and physical state ids and the rate in
// bytes/s, and the counters of ports/<port>/counters/ (counters_ext/ before Linux 4.5) and of
// hw_counters/ (mlx5 and other RDMA drivers) that node_exporter names, each when its file exists
// and holds a number ("N/A (no PMA)" gives no series). Options device-include / device-exclude
// (RE2). Any other bad file fails the whole round, so that no device is reported half. NotFound
// without InfiniBand devices, or when a required file (fw_ver, a port's link_layer, state,
// phys_state, rate) is missing, as node_exporter treats both as "no data".
absl::StatusOr<SourcePtr> MakeInfinibandSource(const SourceContext& ctx);
std::vector<SourceOption> InfinibandOptions();

}  // namespace hostmon::agent
