// SPDX-License-Identifier: Apache-2.0
//
// Parsers for a NUMA node's memory files in /sys/devices/system/node/node<N>/
// (drivers/base/node.c):
//
//   meminfo:   "Node 0 MemTotal:       16337696 kB" (and "Node 0 HugePages_Total:     0")
//   numastat:  "numa_hit 102348829"
#pragma once

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Calls fn(node, field, value) per meminfo line: `field` as the file names it without the colon
// ("Active(anon)"; the caller renames it), `value` in bytes for "kB" lines. Errors (naming
// `file` and the line): not "Node <n> <field>: <value> [kB]", a value that is not a number.
absl::Status ParseNodeMeminfo(
    absl::string_view text, absl::string_view file,
    absl::FunctionRef<void(absl::string_view, absl::string_view, double)> fn);

// Calls fn(field, value) per numastat line. Errors: not two fields, a value that is not a number.
absl::Status ParseNodeNumastat(absl::string_view text, absl::string_view file,
                               absl::FunctionRef<void(absl::string_view, double)> fn);

}  // namespace hostmon::agent
