// SPDX-License-Identifier: Apache-2.0
//
// Allocation-free helpers for the line/field oriented text of /proc and /sys files. Every
// parser in the agent builds on these so that number and field handling is defined once.
#pragma once

#include <cstdint>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::common {

// InvalidArgument error for line `line_no` of `file`, quoting the line (escaped, cut after 80
// characters): `/proc/stat line 3 ("cpu0 1 2"): expected at least 4 time columns`.
absl::Status LineError(absl::string_view file, size_t line_no, absl::string_view line,
                       absl::string_view problem);

// Whitespace-separated fields of one line, as views into the line (no copies).
using Fields = absl::InlinedVector<absl::string_view, 24>;

// Takes the next line (without its '\n') off the front of *text; false when *text is empty. A
// final line without a newline is returned like any other.
bool NextLine(absl::string_view* text, absl::string_view* line);

// Splits `line` on runs of spaces and tabs into `out` (cleared first).
void SplitFields(absl::string_view line, Fields* out);

// The next field of *rest, split as SplitFields splits, consumed; "" when none is left. For rows
// with more fields than Fields holds inline (per-CPU and per-procedure rows), which are then
// parsed without allocating.
absl::string_view NextField(absl::string_view* rest);

// Strict decimal parse of an unsigned 64-bit integer; the error names `what` and the text.
absl::Status ParseUint64(absl::string_view text, absl::string_view what, uint64_t* out);

// Strict parse of a signed 64-bit integer.
absl::Status ParseInt64(absl::string_view text, absl::string_view what, int64_t* out);

// Strict parse of an unsigned hexadecimal number as the kernel prints it ("%08x"): no sign, no
// surrounding whitespace or junk, range-checked. False on anything else; callers word the error,
// because these files identify a bad value by column rather than by name.
bool ParseHexUint64(absl::string_view text, uint64_t* out);

// Strict parse of a finite or infinite double ("1.5", "1e3"); rejects empty and trailing junk.
absl::Status ParseDouble(absl::string_view text, absl::string_view what, double* out);

// Parses the contents of a file that holds one decimal uint64 (/proc/sys/kernel/pid_max, a sysfs
// attribute such as cpufreq/scaling_max_freq): one field on the first line, blanks and a trailing
// newline allowed. Errors start with `file`.
absl::Status ParseUint64File(absl::string_view text, absl::string_view file, uint64_t* out);

}  // namespace hostmon::common
