// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat, one line of a process's or
// thread's status (see proc(5)). The command name in parentheses may itself contain spaces and
// parentheses, so fields are counted from the last ')':
//
//   22947 (cat) R 22936 22936 31453 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 478213 ...
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct PidStat {
  char state = 0;            // field 3: R, S, D, Z, T, t, X, I, ...
  uint64_t num_threads = 0;  // field 20
  // Fields 14, 15, 22, 23, 24, set only when the line has them (every kernel since 2.6 does).
  bool has_resources = false;
  uint64_t utime_ticks = 0;      // user time, USER_HZ
  uint64_t stime_ticks = 0;      // system time, USER_HZ
  uint64_t starttime_ticks = 0;  // start after boot, USER_HZ
  uint64_t vsize_bytes = 0;      // virtual memory size
  uint64_t rss_pages = 0;        // resident set size in pages
};

// Parses one stat line; `file` names it in errors. Error if there is no ") " after the command,
// fewer than 20 fields, the state is not a single character, or num_threads is not a decimal
// uint64.
absl::Status ParsePidStat(absl::string_view text, absl::string_view file, PidStat* out);

}  // namespace hostmon::agent
