// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/buddyinfo (mm/vmstat.c, frag_show): free blocks per order for each memory
// zone, e.g.
//
//   Node 0, zone      DMA      1      0      1      0      2      1      1      0      1      1 3
//   Node 0, zone    DMA32    759    572    791    475    194     45     12      0      0      0 0
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Calls fn(node, zone, order, free_blocks) for every count. Errors (naming `file` and the line): a
// line without "Node N, zone Z" and at least one count, a count that is not a decimal uint64, and
// zones with different numbers of orders (as node_exporter's procfs refuses them).
absl::Status ParseBuddyinfo(
    absl::string_view text, absl::string_view file,
    absl::FunctionRef<void(absl::string_view, absl::string_view, size_t, uint64_t)> fn);

}  // namespace hostmon::agent
