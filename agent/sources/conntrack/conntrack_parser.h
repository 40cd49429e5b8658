// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the netfilter connection tracking files:
//   /proc/sys/net/netfilter/nf_conntrack_count and nf_conntrack_max: one decimal number ("37").
//   /proc/net/stat/nf_conntrack: a header line, then one line per CPU of 17 hex counters:
//
//   entries  clashres found new invalid ignore delete chainlength insert insert_failed drop ...
//   00000025  00000000 00000003 00000000 00000002 00000011 00000000 00000000 00000004 ...
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Parses a single-number file such as nf_conntrack_count; `file` names it in errors.
absl::Status ParseConntrackValue(absl::string_view text, absl::string_view file, uint64_t* out);

// Per-CPU counters summed over all CPUs, the ones node_exporter 1.5.0 exports.
struct ConntrackStat {
  uint64_t found = 0;
  uint64_t invalid = 0;
  uint64_t ignore = 0;
  uint64_t insert = 0;
  uint64_t insert_failed = 0;
  uint64_t drop = 0;
  uint64_t early_drop = 0;
  uint64_t search_restart = 0;
};

// Parses /proc/net/stat/nf_conntrack. Columns are taken by position as node_exporter's procfs
// does (found=2, invalid=4, ignore=5, insert=8, insert_failed=9, drop=10, early_drop=11,
// search_restart=16); Linux 4.x and 6.x renamed columns 1, 3, 6 and 7 but kept these. Error when
// the header is missing, a line has fewer than 17 columns or a column is not hex.
absl::Status ParseConntrackStat(absl::string_view text, ConntrackStat* out);

}  // namespace hostmon::agent
