// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_os_info{build_id,id,id_like,...,version_id} 1 and node_os_version{id,id_like,name} from
// <rootfs>/etc/os-release, falling back to <rootfs>/usr/lib/os-release, as node_exporter's os
// collector.
absl::StatusOr<SourcePtr> MakeOsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
