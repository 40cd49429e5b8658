// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// Fibre Channel host bus adapters from /sys/class/fc_host/<host>/ (drivers/scsi/
// scsi_transport_fc.c), as node_exporter 1.12's fibrechannel collector: node_fibrechannel_info
// (speed, port state/type/id/name, fabric, symbolic name, classes, speeds, dev_loss_tmo) and 14
// counters from statistics/ (hexadecimal in sysfs). A counter the firmware does not implement
// (all ones) is left out; a host whose port state is unknown reports zeros. NotFound without
// Fibre Channel HBAs.
absl::StatusOr<SourcePtr> MakeFibrechannelSource(const SourceContext& ctx);

}  // namespace hostmon::agent
