// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/sys/fs/file-nr, the kernel's file handle counts (see proc(5)). One line of
// three tab-separated numbers: allocated handles, free allocated handles (always 0 since
// Linux 2.6) and the maximum (fs.file-max):
//
//   1244	0	2466170
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct FileNr {
  uint64_t allocated = 0;
  uint64_t maximum = 0;
};

// Parses file-nr. Error naming the file if the first line has fewer than 3 fields or the first
// or third is not a decimal uint64. Extra fields and lines are ignored.
absl::Status ParseFileNr(absl::string_view text, FileNr* out);

}  // namespace hostmon::agent
