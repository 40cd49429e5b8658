// SPDX-License-Identifier: Apache-2.0
//
// Parser for the IPsec transformation statistics, /proc/net/xfrm_stat (net/xfrm/xfrm_proc.c,
// Documentation/networking/xfrm_proc.rst): one "Name value" pair per line, e.g.
//
//   XfrmInError                     1
//   XfrmInBufferError               2
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Calls fn(name, value) for each line, in file order. Errors (naming `file` and the line): a line
// that is not exactly two fields, a value that is not a decimal uint64. Blank lines are skipped.
absl::Status ParseXfrmStat(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(absl::string_view, uint64_t)> fn);

}  // namespace hostmon::agent
