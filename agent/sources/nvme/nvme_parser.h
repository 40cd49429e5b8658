// SPDX-License-Identifier: Apache-2.0
//
// Parser for the NVMe controller attributes in /sys/class/nvme/<controller>/ (serial, model,
// firmware_rev, state, cntlid) and its namespaces' <controller>/nvme<C>n<N>/ (nuse, size,
// queue/logical_block_size, ana_state). Each file holds one value padded as the controller reports
// it, e.g. model:
//
//   Samsung SSD 970 EVO Plus 1TB            \n
//
// node_exporter (via procfs' util.SysReadFile) trims surrounding whitespace; inner blanks stay.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The value of one attribute file: `text` without leading and trailing ASCII whitespace (a view
// into `text`). An empty or blank file is an empty value, as in node_exporter.
absl::string_view NvmeAttributeValue(absl::string_view text);

// The namespace id of a controller directory entry that is a namespace, as procfs' regexp
// nvme\d+n(\d+) (unanchored): "nvme0n1" -> "1". False for other entries (attribute files,
// "power", multipath paths "nvme0c0n1").
bool NvmeNamespaceId(absl::string_view entry, absl::string_view* nsid);

// A namespace's nuse, size or queue/logical_block_size: an unsigned decimal after trimming; 0
// when it is not one (procfs ignores the parse error and keeps 0).
uint64_t NvmeNamespaceNumber(absl::string_view text);

}  // namespace hostmon::agent
