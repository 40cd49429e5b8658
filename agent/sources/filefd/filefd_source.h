// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_filefd_allocated and node_filefd_maximum from /proc/sys/fs/file-nr, as node_exporter's
// filefd collector.
absl::StatusOr<SourcePtr> MakeFilefdSource(const SourceContext& ctx);

}  // namespace hostmon::agent
