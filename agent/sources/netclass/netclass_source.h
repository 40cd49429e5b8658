// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// Names of the subdirectories (or symlinks to directories) of `dir`, in any order. NotFound when
// `dir` does not exist. Injectable so that tests can list a fake tree.
using ListDirsFn =
    std::function<absl::Status(const std::string& dir, std::vector<std::string>* names)>;
absl::Status ListSubdirectories(const std::string& dir, std::vector<std::string>* names);

// node_network_up, node_network_info{...} and node_network_<property> per interface from
// /sys/class/net/<iface>/*, as node_exporter 1.5.0's netclass collector. Options
// ignored-devices (regex, default "^$") and ignore-invalid-speed ("true"/"false", default false).
absl::StatusOr<SourcePtr> MakeNetclassSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeNetclassSourceWithLister(const SourceContext& ctx,
                                                       ListDirsFn list_dirs);

}  // namespace hostmon::agent
