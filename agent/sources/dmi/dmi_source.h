// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_dmi_info{bios_vendor, product_name, system_vendor, ...} 1 from /sys/class/dmi/id, as
// node_exporter 1.12's dmi collector: one label per attribute file that exists and is readable
// (the root-only serials and UUID are left out when the agent runs unprivileged). The values
// cannot change while the host runs (SMBIOS tables are read at boot), so the files are read once,
// at the first collection that finds the directory, and the series is repeated from memory.
absl::StatusOr<SourcePtr> MakeDmiSource(const SourceContext& ctx);

}  // namespace hostmon::agent
