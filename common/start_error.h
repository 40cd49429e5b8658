// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace hostmon::common {

// Why a program cannot start, as its main function reports it before exiting: one log line
// (`message` with logfmt `fields`, built with log::Kv) and the process exit code.
struct StartError {
  std::string message;  // e.g. "cannot create source"
  std::string fields;
  int exit_code = 1;  // 2: the configuration is invalid; 1: a part failed to start
};

}  // namespace hostmon::common
