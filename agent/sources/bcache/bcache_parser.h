// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the bcache attribute files in /sys/fs/bcache/<set-uuid>/ (drivers/md/bcache/
// sysfs.c), as node_exporter 1.12 reads them through prometheus/procfs' bcache package:
//  - single values, many printed by the kernel's bch_hprint() in a "human" form: "0", "512",
//    "1.1M", "20.4G" (a power-of-1024 suffix; the digit after the point is tenths of 1024, which
//    procfs restores by dividing by 10.24), with a trailing newline;
//  - writeback_rate_debug of a backing device, one "name: value" per line:
//      rate:           1.1M/sec
//      dirty:          20.4G
//      target:         20.4G
//      proportional:   427.5k
//      integral:       790.0k
//      change:         321.5k/sec
//      next io:        17ms
//  - priority_stats of a cache device ("Unused:  99%", "Metadata:  0%", then lines not read).
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// procfs' dehumanize(): a number with an optional bch_hprint suffix (k M G T P E Z Y) as a
// uint64, converted as procfs does (GoFloat64ToUint64). A last character above '9' that
// is not a known suffix multiplies by 0, as procfs' map lookup does. InvalidArgument "not a
// number" otherwise (callers add the file).
absl::Status DehumanizeBcache(absl::string_view text, uint64_t* out);

// procfs' dehumanizeSigned(): an optional '-' in front of what DehumanizeBcache reads.
absl::Status DehumanizeBcacheSigned(absl::string_view text, int64_t* out);

// A single-value attribute file's text: its last byte (the newline) dropped, as procfs does, and
// the rest read by DehumanizeBcache. Errors name `file`; an empty file is an error.
absl::Status ParseBcacheValue(absl::string_view file_text, absl::string_view file, uint64_t* out);

// The writeback_rate_debug values node_exporter exports (next io is parsed, so a bad one fails
// as in procfs, but not exported).
struct BcacheWritebackRate {
  uint64_t rate = 0, dirty = 0, target = 0;
  int64_t proportional = 0, integral = 0, change = 0, next_io_ms = 0;
};
// Lines that start with none of the names are skipped; a named line whose last field does not
// parse is an error naming `file` and the line number.
absl::Status ParseBcacheWritebackRate(absl::string_view text, absl::string_view file,
                                      BcacheWritebackRate* out);

struct BcachePriorityStats {
  uint64_t unused_percent = 0, metadata_percent = 0;
};
// The "Unused:" and "Metadata:" lines (last field, '%' removed, decimal); others are skipped.
absl::Status ParseBcachePriorityStats(absl::string_view text, absl::string_view file,
                                      BcachePriorityStats* out);

}  // namespace hostmon::agent
