// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// The sysctls named by the include / include-info options from /proc/sys, as node_exporter
// 1.12's sysctl collector (off by default there and here): for each include entry
// node_sysctl_<name> (one value), node_sysctl_<name>{index} (several) or
// node_sysctl_<name>_<key> ("name:key1,key2,..." names the values), untyped; for each
// include-info entry node_sysctl_info{index,name,value} 1 per value. A sysctl that is missing,
// has no value, has another number of values than keys, or (include) a value that is not an
// integer fails the collection with an error naming it.
absl::StatusOr<SourcePtr> MakeSysctlSource(const SourceContext& ctx);

// include, include-info: repeatable, empty by default.
std::vector<SourceOption> SysctlOptions();

}  // namespace hostmon::agent
