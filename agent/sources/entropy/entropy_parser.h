// SPDX-License-Identifier: Apache-2.0
//
// Parser for the single-number files of /proc/sys/kernel/random (see random(4)):
// entropy_avail and poolsize, each one decimal line, e.g.
//
//   256
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Parses a file holding one decimal uint64 (surrounding blanks and a trailing newline allowed).
// Error naming `file` if it is empty, has more than one field or the number is invalid.
absl::Status ParseEntropyValue(absl::string_view text, absl::string_view file, uint64_t* out);

}  // namespace hostmon::agent
