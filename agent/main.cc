// SPDX-License-Identifier: Apache-2.0
#include <exception>

#include "absl/synchronization/mutex.h"
#include "agent/agent_app.h"
#include "common/log.h"

int main(int argc, char** argv) {
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex acquisition (the agent's and
  // gRPC's) would run the deadlock detector's global graph update: ~2 % of the agent's CPU per
  // cycle in a profile. An NDEBUG Abseil ignores cycles by default; the unit tests keep checking.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  try {
    return hostmon::agent::AgentMain(argc, argv);
  } catch (const std::exception& e) {  // last resort: our code does not throw, libraries might
    hostmon::common::log::Error("fatal", hostmon::common::log::Kv("err", e.what()));
    return 1;
  }
}
