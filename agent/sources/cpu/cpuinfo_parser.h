// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/cpuinfo in the x86 layout (proc(5)): one block of "key<tabs>: value" lines
// per logical CPU, blocks separated by a blank line:
//
//   processor	: 0
//   vendor_id	: GenuineIntel
//   cpu family	: 6
//   model name	: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz
//   flags		: fpu vme de pse ...
//
// The rules are prometheus/procfs' parseCPUInfoX86, which node_exporter 1.12's opt-in cpu info
// families use: a line's key is the text before the first ": " with white space trimmed, its
// value the rest as is; each "processor" line starts a CPU. Only the fields node_exporter
// exports are kept. Other architectures print other keys; their missing fields are empty.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct CpuInfoEntry {
  absl::string_view processor;  // decimal, as the cpu label ("0")
  absl::string_view vendor, family, model, model_name, stepping, microcode, cache_size;
  absl::string_view physical_id, core_id;
  absl::string_view flags, bugs;  // white-space separated lists
};

// Parses `text` into *out (cleared first, capacity kept; views point into `text`). Error
// naming /proc/cpuinfo when the first non-blank line is not a "processor" line, or a processor
// number is not an unsigned number.
absl::Status ParseCpuInfo(absl::string_view text, std::vector<CpuInfoEntry>* out);

}  // namespace hostmon::agent
