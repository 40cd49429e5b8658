// SPDX-License-Identifier: Apache-2.0
//
// The sysfs files of a mounted bcachefs filesystem, /sys/fs/bcachefs/<uuid>/ (fs/bcachefs/sysfs.c
// in the bcachefs tree), as prometheus/procfs' bcachefs package reads them for node_exporter 1.12:
//
//   btree_cache_size    "2.05G"  (one human-readable size)
//   compression_stats   a header line, then "<algorithm> <compressed> <uncompressed> <average
//                       extent size>" rows of human-readable sizes ("lz4  48.9G  71.2G  62.5k")
//   errors              "<error type> <count> <time of last occurrence>" rows, no header
//   counters/<name>     "since mount:               39816825"
//                       "since filesystem creation: 44.5T"      (human-readable numbers)
//   btree_write_stats   a header line ("nr size"), then "<type>: <count> <average size>" rows
//   dev-<N>/io_done     "read:" and "write:" sections of "<data type> : <bytes>" rows
//   dev-<N>/io_errors   "IO errors since filesystem creation" and "IO errors since <ago>"
//                       sections of "  <type>: <count>" rows
//
// Human-readable sizes are the kernel's prt_human_readable_u64(): a number with an optional
// binary unit k, M, G, T, P or E ("512k", "2.00M", "720"). procfs reads them as a float times
// the unit, truncated to an integer; these parsers do the same, so that values match.
//
// The parsers are pure: rows view the parsed text. A key that repeats in a file replaces the
// earlier row (procfs keeps them in maps, where the last one wins). Errors are InvalidArgument
// and name the file.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// A human-readable size as procfs' parseHumanReadableBytes reads it: surrounding blanks removed,
// one optional unit letter (k/K = 2^10 ... e/E = 2^60) stripped from the end, the rest a decimal
// number; number x unit truncated to an integer. Rejects what is not a number and, where Go's
// float-to-integer conversion is undefined, negative, non-finite and >= 2^64 results. The error
// names `what`.
absl::Status ParseBcachefsHumanBytes(absl::string_view text, absl::string_view what, uint64_t* out);

struct BcachefsCompressionRow {
  absl::string_view algorithm;  // without a trailing ':'
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
};

// compression_stats: the first line is the header and skipped, as are rows of fewer than three
// columns; the fourth column (average extent size), when present, must be a size too.
absl::Status ParseBcachefsCompressionStats(absl::string_view text, absl::string_view file,
                                           std::vector<BcachefsCompressionRow>* out);

struct BcachefsErrorRow {
  absl::string_view type;
  uint64_t count = 0;
};

// errors: rows of fewer than two columns are skipped; the count and, when present, the timestamp
// must be unsigned decimal integers.
absl::Status ParseBcachefsErrors(absl::string_view text, absl::string_view file,
                                 std::vector<BcachefsErrorRow>* out);

// counters/<name>: the "since filesystem creation:" value (0 when the file has only the "since
// mount:" line). A file with neither line is an error ("counter file format not recognized").
absl::Status ParseBcachefsCounter(absl::string_view text, absl::string_view file,
                                  uint64_t* since_creation);

struct BcachefsBtreeWriteRow {
  absl::string_view type;  // without the trailing ':'
  uint64_t count = 0;
  uint64_t average_size = 0;
};

// btree_write_stats: the first line is the header and skipped, as are rows of fewer than three
// columns; the count is an unsigned integer, the size human-readable.
absl::Status ParseBcachefsBtreeWriteStats(absl::string_view text, absl::string_view file,
                                          std::vector<BcachefsBtreeWriteRow>* out);

struct BcachefsIoDoneRow {
  absl::string_view operation;  // "read" or "write"
  absl::string_view data_type;  // "sb", "journal", "btree", "user", ...
  uint64_t bytes = 0;
};

// dev-<N>/io_done: rows before the first "read:"/"write:" line and rows without ':' are skipped;
// a value must be an unsigned decimal integer.
absl::Status ParseBcachefsIoDone(absl::string_view text, absl::string_view file,
                                 std::vector<BcachefsIoDoneRow>* out);

struct BcachefsIoErrorRow {
  absl::string_view type;  // "read", "write", "checksum"
  uint64_t count = 0;
};

// dev-<N>/io_errors: the rows of the "IO errors since filesystem creation" section (up to the
// next "IO errors since " line); rows without ':' are skipped, a count must be an unsigned
// decimal integer.
absl::Status ParseBcachefsIoErrors(absl::string_view text, absl::string_view file,
                                   std::vector<BcachefsIoErrorRow>* out);

}  // namespace hostmon::agent
