// SPDX-License-Identifier: Apache-2.0
//
// Parser for the per-CPU network cache statistics in /proc/net/stat/<table> (arp_cache,
// ndisc_cache, nf_conntrack, ...; net/core/neighbour.c neigh_stat_seq_show and friends, read by
// lnstat(8)): a header of field names, then one row of hexadecimal counters per CPU, e.g.
//
//   entries  allocs destroys hash_grows  lookups hits ...
//   00000014  00000001 00000002 00000003  00000004 00000005 ...
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Calls fn(field, cpu_row, value) for every counter, cpu_row counting the rows from 0 (as
// node_exporter's lnstat collector labels them). Errors (naming `file` and the line): an empty
// file, a row with more counters than the header has names, a counter that is not hexadecimal.
absl::Status ParseLnstat(absl::string_view text, absl::string_view file,
                         absl::FunctionRef<void(absl::string_view, size_t, uint64_t)> fn);

}  // namespace hostmon::agent
