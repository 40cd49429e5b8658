// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/<pid>/limits (proc(5)): the soft limits the process runs under, e.g.
//
//   Limit                     Soft Limit           Hard Limit           Units
//   Max open files            1024                 524288               files
//   Max address space         unlimited            unlimited            bytes
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct ProcessLimits {
  // "unlimited" is UINT64_MAX, as client_golang's procfs reports it.
  uint64_t max_open_files = 0;
  uint64_t max_address_space = 0;
};

// Error when either line is missing or its soft limit is neither a number nor "unlimited".
absl::Status ParseProcessLimits(absl::string_view text, ProcessLimits* out);

}  // namespace hostmon::agent
