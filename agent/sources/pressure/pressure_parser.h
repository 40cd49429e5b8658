// SPDX-License-Identifier: Apache-2.0
//
// Parser for the pressure stall information files /proc/pressure/{cpu,io,memory,irq} (see
// Documentation/accounting/psi.rst). Each has a "some" and/or a "full" line ("irq" has only
// "full"); total= is the cumulative stall time in microseconds:
//
//   some avg10=0.12 avg60=0.05 avg300=0.01 total=1523411
//   full avg10=0.04 avg60=0.02 avg300=0.00 total=873204
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct PsiTotals {
  bool has_some = false, has_full = false;
  uint64_t some_us = 0, full_us = 0;  // total=, in microseconds
};

// Parses one PSI file; `file` names it in errors. Error if there is neither a "some" nor a
// "full" line, such a line has no "total=" field, or its value is not a decimal uint64. The
// avg fields and unknown lines are ignored.
absl::Status ParsePsi(absl::string_view text, absl::string_view file, PsiTotals* out);

}  // namespace hostmon::agent
