// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "agent/source.h"
#include "agent/sources/common/sysfs_dir.h"

namespace hostmon::agent {

// node_exporter's edac collector: node_edac_{correctable,uncorrectable}_errors_total{controller}
// and node_edac_csrow_{correctable,uncorrectable}_errors_total{controller,csrow} (csrow
// "unknown" for the controller's *_noinfo_count) from /sys/devices/system/edac/mc/mc*/. A missing
// or malformed counter fails the source (after the samples before it, as node_exporter).
// NotFound without /sys/devices/system/edac/mc.
absl::StatusOr<SourcePtr> MakeEdacSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeEdacSourceWithOps(const common::FsRoot& fs,
                                                std::unique_ptr<SysfsDirOps> ops);

}  // namespace hostmon::agent
