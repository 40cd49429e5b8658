// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// node_tape_*{device} from /sys/class/scsi_tape/st<N>/stats/* (drivers/scsi/st.c; the nst*,
// st*a/l/m aliases are the same drive and skipped), as node_exporter 1.12's tapestats collector:
// I/Os in flight, reads/writes/others completed, bytes, times (ns -> s), residual count. Option
// ignored-devices (RE2). NotFound without tape drives (no /sys/class/scsi_tape).
absl::StatusOr<SourcePtr> MakeTapestatsSource(const SourceContext& ctx);
std::vector<SourceOption> TapestatsOptions();

}  // namespace hostmon::agent
