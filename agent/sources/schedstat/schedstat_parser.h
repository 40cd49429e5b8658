// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/schedstat, the scheduler statistics (CONFIG_SCHEDSTATS; see
// Documentation/scheduler/sched-stats.rst). Per CPU one "cpuN" line whose 7th to 9th numbers
// are the time spent running tasks (ns), the time tasks spent waiting to run (ns) and the
// number of timeslices run, followed by "domainN" lines, e.g. (version 15):
//
//   version 15
//   timestamp 4295875341
//   cpu0 0 0 0 0 0 0 2398764121389 131852940451 389245
//   domain0 00000003 24871 24361 432 519238 81 0 0 24361 4 4 0 0 0 ...
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct SchedstatCpu {
  absl::string_view cpu;  // "0" for "cpu0"; views the input
  uint64_t running_ns = 0, waiting_ns = 0, timeslices = 0;
};

// Parses /proc/schedstat into *out (cleared first; capacity kept). Error, naming the line, if a
// "cpuN" line has fewer than 9 numbers, N is not a number or one of the three used values is
// not a decimal uint64. Other lines are ignored.
absl::Status ParseSchedstat(absl::string_view text, std::vector<SchedstatCpu>* out);

}  // namespace hostmon::agent
