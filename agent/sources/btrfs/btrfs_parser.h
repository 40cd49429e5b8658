// SPDX-License-Identifier: Apache-2.0
//
// Parsers for a Btrfs filesystem's sysfs files under /sys/fs/btrfs/<fsid>/ (fs/btrfs/sysfs.c), as
// node_exporter 1.12 reads them through prometheus/procfs' btrfs package:
//  - single values (allocation/global_rsv_size, allocation/<type>/bytes_reserved,
//    allocation/<type>/<profile>/{total,used}_bytes, devices/<dev>/size in 512-byte sectors);
//  - commit_stats (Linux 6.0+), one "<name> <value>" per line:
//      commits 258051
//      last_commit_ms 1000
//      max_commit_ms 51462
//      total_commit_ms 47836090
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// A single-value file as procfs reads it: the first 128 bytes, trimmed, a decimal uint64; text
// that is not one reads as 0 (procfs ignores the parse error).
uint64_t ParseBtrfsValue(absl::string_view file_text);

struct BtrfsCommitStats {
  uint64_t commits = 0, last_commit_ms = 0, max_commit_ms = 0, total_commit_ms = 0;
};
// Every line must be "<name> <decimal uint64>" (names other than the four are skipped); anything
// else is an error naming `file` and the line.
absl::Status ParseBtrfsCommitStats(absl::string_view text, absl::string_view file,
                                   BtrfsCommitStats* out);

// The allocation ratio of a block group profile (raw bytes per byte stored), as procfs computes
// it: single/raid0 1, dup/raid1/raid10 2, raid1c3 3, raid1c4 4, raid5 n/(n-1) and raid6 n/(n-2)
// of the filesystem's `devices` count, 0 for a profile it does not know.
double BtrfsAllocationRatio(absl::string_view profile, int devices);

}  // namespace hostmon::agent
