// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_nvme_info{device,firmware_revision,model,serial,state} per controller in
// /sys/class/nvme, as node_exporter 1.5.0's nvme collector (which has no cntlid label yet).
// NotFound when /sys/class/nvme does not exist; an error naming the file when a controller
// lacks one of its attribute files, as node_exporter fails the whole collector then.
absl::StatusOr<SourcePtr> MakeNvmeSource(const SourceContext& ctx);

}  // namespace hostmon::agent
