// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/vmstat, the kernel's virtual memory counters and gauges (see proc(5)). One
// "name value" pair per line, e.g.
//
//   nr_free_pages 798514
//   pgfault 38224498
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct VmstatField {
  absl::string_view name;  // views the input
  double value = 0;
};

// Parses /proc/vmstat into *out (cleared first; capacity kept). Views point into `text`. Blank
// lines are skipped. Error, naming the line, if a line does not have exactly two fields or the
// value is not a finite number.
absl::Status ParseVmstat(absl::string_view text, std::vector<VmstatField>* out);

}  // namespace hostmon::agent
