// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/meminfo, the kernel's memory usage summary (see proc(5)). Lines look like
//
//   MemTotal:       24684084 kB
//   Active(anon):       1528 kB
//   HugePages_Total:      64
//
// Which fields exist depends on kernel version and config, so every line is returned by name
// rather than mapped onto a fixed struct; that is also how node_exporter exports them.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct MeminfoField {
  absl::string_view name;  // as in the file, e.g. "Active(anon)", "HugePages_Total"
  double value = 0;       // bytes when the line has the "kB" unit (value*1024), else the raw number
  bool has_unit = false;  // true for "kB" lines
};

// Parses /proc/meminfo ("MemTotal:       16318540 kB"). Clears and refills *out, whose
// capacity is kept so a steady-state scrape does not allocate; names view `text`.
//
// Error on a line without ':' (or with an empty or blank-containing name), a missing or
// non-numeric value (values are decimal uint64s, as the kernel prints them), an unknown unit
// (anything but "kB"), or no lines at all; on error *out is unspecified. Blank lines are
// skipped. A file cut between a number and its " kB" cannot be told from a unitless field,
// so callers must read the whole file.
absl::Status ParseMeminfo(absl::string_view text, std::vector<MeminfoField>* out);

// node_exporter's metric name for a field, written into *out (cleared first, capacity reused):
// "node_memory_" + name with "(x)" replaced by "_x" (node_exporter meminfo_linux.go regex
// `\((.*)\)` -> "_${1}") + "_bytes" when has_unit. E.g. Active(anon) ->
// node_memory_Active_anon_bytes, HugePages_Total -> node_memory_HugePages_Total.
void MeminfoMetricName(const MeminfoField& field, std::string* out);

}  // namespace hostmon::agent
