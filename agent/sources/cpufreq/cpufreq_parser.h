// SPDX-License-Identifier: Apache-2.0
//
// Helpers for cpufreq in sysfs, /sys/devices/system/cpu/cpu<N>/cpufreq/ (see
// Documentation/admin-guide/pm/cpufreq.rst). The frequency files
// {cpuinfo,scaling}_{cur,min,max}_freq hold one decimal number of kHz, e.g.
//
//   3600000
//
// and are parsed with common::ParseUint64File.
#pragma once

#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The CPU number of a "cpu<N>" directory name, e.g. "0"; empty if `dir` is not of that form
// (cpufreq, cpuidle, ...).
absl::string_view CpuDirNumber(absl::string_view dir);

}  // namespace hostmon::agent
