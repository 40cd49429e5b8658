// SPDX-License-Identifier: Apache-2.0
//
// The socket tables /proc/net/{tcp,tcp6,udp,udp6} share one layout (net/ipv4/tcp_ipv4.c and
// net/ipv4/udp.c): a header, then one line per socket whose 4th column is the state and whose 5th
// is "tx_queue:rx_queue", both hex:
//
//     sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid ...
//      0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 ...
// The tcpstat and udp_queues sources read them through these helpers.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/text_parse.h"

namespace hostmon::agent {

// Index of the state and queue columns in a socket line's fields.
inline constexpr size_t kSocketStateColumn = 3;
inline constexpr size_t kSocketQueuesColumn = 4;

// Consumes the header line of *text; InvalidArgument naming `file` when it is missing.
absl::Status SkipSocketTableHeader(absl::string_view* text, absl::string_view file);

// Parses a "tx_queue:rx_queue" column of line `line_no` of `file`.
absl::Status ParseSocketQueues(absl::string_view queues, absl::string_view file, size_t line_no,
                               uint64_t* tx, uint64_t* rx);

// Calls fn(line_no, fields) -> absl::Status for every non-blank socket line after the header;
// lines with fewer than 5 columns are an error naming the file and line. Stops at the first error.
template <typename Fn>
absl::Status ForEachSocketLine(absl::string_view text, absl::string_view file, Fn&& fn) {
  if (absl::Status s = SkipSocketTableHeader(&text, file); !s.ok()) return s;
  common::Fields fields;
  size_t line_no = 1;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() <= kSocketQueuesColumn) {
      return absl::InvalidArgumentError(absl::StrCat(
          file, " line ", line_no, ": expected at least 5 columns, got ", fields.size()));
    }
    if (absl::Status s = fn(line_no, fields); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
