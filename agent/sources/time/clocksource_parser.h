// SPDX-License-Identifier: Apache-2.0
//
// Parser for the clocksource files of sysfs,
// /sys/devices/system/clocksource/clocksource<N>/{available_clocksource,current_clocksource}:
// one line of space-separated clocksource names, e.g.
//
//   kvm-clock tsc acpi_pm
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/text_parse.h"

namespace hostmon::agent {

// Splits the first line of a clocksource file into names (views into `text`). Error naming
// `file` if there is none, or (when `exactly_one`, for current_clocksource) more than one.
absl::Status ParseClocksources(absl::string_view text, absl::string_view file, bool exactly_one,
                               common::Fields* out);

// The device number of a "clocksource<N>" directory name, e.g. "0"; empty if `dir` is not of
// that form.
absl::string_view ClocksourceDevice(absl::string_view dir);

}  // namespace hostmon::agent
