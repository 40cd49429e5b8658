// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/cgroups (kernel/cgroup/cgroup-v1.c, proc_cgroupstats_show): a header, then
// one line per controller, e.g.
//
//   #subsys_name	hierarchy	num_cgroups	enabled
//   cpuset	5	47	1
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Calls fn(subsys_name, num_cgroups, enabled) for each controller line. Comment lines ('#') are
// skipped. Errors (naming `file` and the line): not 4 fields, a number that is not a decimal
// uint64.
absl::Status ParseCgroups(absl::string_view text, absl::string_view file,
                          absl::FunctionRef<void(absl::string_view, uint64_t, uint64_t)> fn);

}  // namespace hostmon::agent
