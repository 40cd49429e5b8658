// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/net/sockstat and /proc/net/sockstat6: one line per protocol of key/value
// pairs ("mem" counts pages, not bytes):
//
//   sockets: used 15
//   TCP: inuse 2 orphan 0 tw 1 alloc 2 mem 39
//   FRAG6: inuse 0 memory 0
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct SockstatValue {
  absl::string_view protocol;  // "sockets", "TCP", "UDP6", ... (views into the text)
  absl::string_view key;       // "used", "inuse", "mem", ...
  int64_t value = 0;
};

// Appends every pair of `text` to *out, in file order (callers clear it; parsing sockstat and
// then sockstat6 into one vector). `file` names the file in error messages. Error on a line
// without "<PROTO>:", an odd number of fields after it, or a value that is not a decimal int64.
absl::Status ParseSockstat(absl::string_view text, absl::string_view file,
                           std::vector<SockstatValue>* out);

}  // namespace hostmon::agent
