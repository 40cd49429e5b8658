// SPDX-License-Identifier: Apache-2.0
//
// Runs a helper program (smartctl) with a deadline: posix_spawn, no shell, stdout captured,
// stderr to /dev/null, killed with SIGKILL at the deadline and always reaped.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hostmon::agent::smart {

struct ProcessResult {
  std::string out;         // stdout, at most max_output bytes
  bool exited = false;     // exited normally (exit_status valid)
  int exit_status = 0;     // WEXITSTATUS
  int signal = 0;          // terminating signal when !exited
  bool timed_out = false;  // killed at the deadline
};

// argv[0] is the program: a path, or a name looked up in PATH. Errors: spawn failure (program
// missing or not executable). A child that outlives SIGKILL (stuck in uninterruptible sleep on a
// hung device) is handed to a background reaper, so no zombie stays behind and the caller
// returns at the deadline.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         absl::Duration timeout, size_t max_output = 8 << 20);

}  // namespace hostmon::agent::smart
