// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/loadavg, the kernel's exponentially damped run-queue averages (see
// proc(5)). The file is one line:
//
//   1.27 0.89 0.61 3/412 28411
//
// i.e. the 1, 5 and 15 minute load averages, runnable/total scheduling entities, and the last
// PID allocated. Only the averages are exported; the rest is available more precisely from
// /proc/stat.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct LoadAvg {
  double load1 = 0, load5 = 0, load15 = 0;
};

// Parses /proc/loadavg ("0.52 0.58 0.59 2/1127 12345"); needs the first three fields, which
// must be plain non-negative decimals as the kernel prints them ("%lu.%02lu"), so "nan",
// "-1" or "1e3" are errors; so is a value too large for a double. Fields after the third
// and lines after the first are ignored. A file cut inside the third field cannot be told
// from a complete one, so callers must read the whole file.
absl::Status ParseLoadavg(absl::string_view text, LoadAvg* out);

}  // namespace hostmon::agent
