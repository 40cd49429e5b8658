// SPDX-License-Identifier: Apache-2.0
#include <exception>

#include "absl/synchronization/mutex.h"
#include "collector/collector.h"
#include "collector/collector_app.h"
#include "common/log.h"

int main(int argc, char** argv) {
  hostmon::collector::PrepareGrpcEnvironment();
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex acquisition (the store's per-host
  // locks on every batch, gRPC's) would run the deadlock detector's global graph update. An NDEBUG
  // Abseil ignores cycles by default; the unit tests keep checking.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  try {
    return hostmon::collector::CollectorMain(argc, argv);
  } catch (const std::exception& e) {  // last resort: our code does not throw, libraries might
    hostmon::common::log::Error("fatal", hostmon::common::log::Kv("err", e.what()));
    return 1;
  }
}
