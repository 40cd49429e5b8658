// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the EDAC memory controller counters (Documentation/admin-guide/ras.rst), read by
// node_exporter 1.12's edac collector. Each file holds one unsigned decimal:
//
//   /sys/devices/system/edac/mc/mc0/ce_count          5
//   /sys/devices/system/edac/mc/mc0/ue_noinfo_count   0
//   /sys/devices/system/edac/mc/mc0/csrow0/ce_count   3
//   /sys/devices/system/edac/mc/mc0/csrow0/ch1_ce_count   0
//   /sys/devices/system/edac/mc/mc0/csrow0/ch1_dimm_label CPU_SrcID#0_Ha#0_Chan#1_DIMM#0
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Go's strconv.ParseUint(strings.TrimSpace(text), 10, 64); the error names `file`.
absl::Status ParseEdacCount(absl::string_view text, absl::string_view file, uint64_t* out);

// "mc12" with prefix "mc" -> "12"; "csrow0" with prefix "csrow" -> "0". False unless the entry
// matches the glob node_exporter uses (<prefix>[0-9]*); the label is the digits after the
// prefix (node_exporter's regexp `<prefix>([0-9]*)`).
bool EdacIndex(absl::string_view entry, absl::string_view prefix, absl::string_view* index);

// A csrow's per-channel counter file: "ch1_ce_count" -> "1". False unless `file` matches
// node_exporter's glob ch*_ce_count and its regexp ch([0-9]+)_ce_count.
bool EdacChannel(absl::string_view file, absl::string_view* channel);

// node_exporter's dimm_label from a chN_dimm_label file: white space trimmed, '#' removed, then
// "csrow" -> "_csrow" and "channel" -> "_channel" ("mc0csrow0channel0" -> "mc0_csrow0_channel0").
void CleanEdacDimmLabel(absl::string_view raw, std::string* out);

}  // namespace hostmon::agent
