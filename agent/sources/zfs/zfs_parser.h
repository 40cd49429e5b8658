// SPDX-License-Identifier: Apache-2.0
//
// The kstat files OpenZFS publishes under /proc/spl/kstat/zfs (the SPL's procfs view of kstats,
// module/os/linux/spl/spl-kstat.c), three layouts:
//  - "named" kstats (arcstats, abdstats, ..., zil, <pool>/objset-<id>): a kstat header line
//    ("6 1 0x01 91 4368 5266997922 97951858082072": kid, type, flags, ndata, data size, crtime,
//    snaptime), the column header "name type data", then one "name type value" row per
//    statistic. The type is a KSTAT_DATA_* number: 0 char, 1 int32, 2 uint32, 3 int64,
//    4 uint64, 5 long, 6 ulong, 7 string.
//  - "io" kstats (<pool>/io): the kstat header line, a column header "nread nwritten reads
//    writes wtime wlentime wupdate rtime rlentime rupdate wcnt rcnt" and one line of values.
//  - <pool>/state: one line, the pool's state in capitals ("ONLINE").
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

inline constexpr absl::string_view kKstatInt64 = "3";   // KSTAT_DATA_INT64
inline constexpr absl::string_view kKstatUint64 = "4";  // KSTAT_DATA_UINT64

// One row of a named kstat; the views point into the parsed text.
struct ZfsKstatRow {
  absl::string_view name;
  absl::string_view type;  // the KSTAT_DATA_* number as written ("4")
  // The rest of the line after the type column: a number's digits, a string's whole text
  // (dataset names may contain blanks).
  absl::string_view data;
  double value = 0;  // for kKstatInt64 and kKstatUint64 rows; 0 for the others
};

// The rows after the "name type data" column header of a named kstat, in file order (`out` is
// cleared first). Rows of types 3 and 4 get their value parsed strictly; rows of other or unknown
// types are returned unparsed, and rows with fewer than three columns (a string statistic whose
// value is empty) are skipped, as node_exporter does. Errors (no column header, a bad number)
// name `file`.
absl::Status ParseZfsKstatNamed(absl::string_view text, absl::string_view file,
                                std::vector<ZfsKstatRow>* out);

// One column of an io kstat; `name` points into the parsed text.
struct ZfsIoField {
  absl::string_view name;
  double value = 0;
};

// The columns of <pool>/io with their values (`out` is cleared first): the column header is the
// first line of at least 12 columns that starts with "nread" (as node_exporter finds it), the
// next non-empty line holds one unsigned value per column. Errors (no column header, no values, a
// value missing, a bad number) name `file`.
absl::Status ParseZfsPoolIo(absl::string_view text, absl::string_view file,
                            std::vector<ZfsIoField>* out);

// The states node_exporter reports for every pool, in its order; node_zfs_zpool_state is 1 for
// the one <pool>/state names and 0 for the others.
inline constexpr absl::string_view kZfsPoolStates[] = {"online",  "degraded", "faulted",  "offline",
                                                       "removed", "unavail",  "suspended"};

// True if <pool>/state's text names `state` (one of kZfsPoolStates): its first line, compared
// case-insensitively (node_exporter lower-cases it).
bool ZfsPoolStateIs(absl::string_view state_file_text, absl::string_view state);

}  // namespace hostmon::agent
