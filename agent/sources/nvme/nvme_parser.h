// SPDX-License-Identifier: Apache-2.0
//
// Parser for the NVMe controller attributes in /sys/class/nvme/<controller>/ (serial, model,
// firmware_rev, state). Each file holds one value padded as the controller reports it, e.g.
// model:
//
//   Samsung SSD 970 EVO Plus 1TB            \n
//
// node_exporter (via procfs' util.SysReadFile) trims surrounding whitespace; inner blanks stay.
#pragma once

#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The value of one attribute file: `text` without leading and trailing ASCII whitespace (a view
// into `text`). An empty or blank file is an empty value, as in node_exporter.
absl::string_view NvmeAttributeValue(absl::string_view text);

}  // namespace hostmon::agent
