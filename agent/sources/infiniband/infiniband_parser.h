// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the InfiniBand port attributes in /sys/class/infiniband/<device>/ports/<port>/
// (drivers/infiniband/core/sysfs.c, Documentation/ABI/stable/sysfs-class-infiniband), as
// node_exporter 1.12 reads them through prometheus/procfs' sysfs/class_infiniband.go:
//   state       "4: ACTIVE"            (id and name)
//   phys_state  "5: LinkUp"
//   rate        "40 Gb/sec (4X QDR)"   (Gb/s, exported as bytes/s)
//   counters/<name>, counters_ext/<name>, hw_counters/<name>: one unsigned number, or
//               "N/A (no PMA)" from drivers without a performance management agent.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The id of a state or phys_state file: exactly one ':', the part before it (blanks trimmed) a
// decimal uint32. Errors name `file`.
absl::Status ParseInfinibandState(absl::string_view text, absl::string_view file, uint32_t* id);

// A rate file in bytes/s: the number before the first space, read as a float32 (as procfs does),
// times 125000000. Errors name `file`.
absl::Status ParseInfinibandRate(absl::string_view text, absl::string_view file,
                                 uint64_t* bytes_per_second);

// A counter file as procfs reads it (first 128 bytes, trimmed, Go's ParseUint base 0). *present
// is false for "N/A (no PMA)" (no series, as node_exporter); other text is an error naming `file`.
absl::Status ParseInfinibandCounter(absl::string_view file_text, absl::string_view file,
                                    uint64_t* out, bool* present);

}  // namespace hostmon::agent
