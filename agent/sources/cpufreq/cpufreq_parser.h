// SPDX-License-Identifier: Apache-2.0
//
// Parser for the frequency files of cpufreq in sysfs,
// /sys/devices/system/cpu/cpu<N>/cpufreq/{cpuinfo,scaling}_{cur,min,max}_freq (see
// Documentation/admin-guide/pm/cpufreq.rst): one decimal number of kHz, e.g.
//
//   3600000
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Parses one frequency file into kHz. Error naming `file` if it is not exactly one decimal
// uint64 (e.g. "<unknown>", which some drivers write to scaling_cur_freq).
absl::Status ParseCpufreqKhz(absl::string_view text, absl::string_view file, uint64_t* khz);

// The CPU number of a "cpu<N>" directory name, e.g. "0"; empty if `dir` is not of that form
// (cpufreq, cpuidle, ...).
absl::string_view CpuDirNumber(absl::string_view dir);

}  // namespace hostmon::agent
