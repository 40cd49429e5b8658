// SPDX-License-Identifier: Apache-2.0
//
// How node_exporter (through prometheus/procfs) reads single-value sysfs attributes, in one place
// for the sources that must match it: at most 128 bytes per read, whitespace-trimmed
// (procfs' util.SysReadFile), and integers parsed as Go's strconv.ParseInt(s, 0, 64) (decimal,
// "0x" hex, "0o"/leading-"0" octal, "0b" binary, optional sign), e.g. watchdog options "0x8380"
// or Fibre Channel counters "0x1a", and unsigned as strconv.ParseUint(s, 0, 64).
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The first 128 bytes of an attribute file's text, leading and trailing whitespace removed.
absl::string_view SysfsAttributeText(absl::string_view file_text);

// Go's strconv.ParseInt(text, 0, 64). InvalidArgument "not a number" or "out of range" (without
// the file: callers prefix it) otherwise; only the error path allocates.
absl::Status ParseGoInt64(absl::string_view text, int64_t* out);

// Go's strconv.ParseUint(text, 0, 64): as ParseGoInt64 without a sign, up to 2^64-1 (InfiniBand
// counters).
absl::Status ParseGoUint64(absl::string_view text, uint64_t* out);

// Go's uint64(x) for a float64 as compiled for amd64 (procfs converts parsed floats so: bcache's
// "1.1M", InfiniBand rates): truncation below 2^63; at or above it the conversion of x - 2^63
// with the top bit set; negative values wrap as int64 does; NaN, infinities and values out of
// int64's range give 2^63 (cvttsd2sq's "integer indefinite").
uint64_t GoFloat64ToUint64(double x);

}  // namespace hostmon::agent
