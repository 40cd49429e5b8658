// SPDX-License-Identifier: Apache-2.0
//
// Names the calling thread, as top -H, ps -L, /proc/PID/task/*/comm and the footprint benchmarks
// show it: an operator can tell the agent's collection thread from its sender and from the gRPC
// library's threads. Linux keeps 15 bytes of a name; longer names are cut.
#pragma once

#include <pthread.h>

#include <string>

#include "absl/strings/string_view.h"

namespace hostmon::common {

inline void SetThreadName(absl::string_view name) {
  const std::string cut(name.substr(0, 15));
  // Best effort: a name is a label, never a reason to fail.
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace hostmon::common
