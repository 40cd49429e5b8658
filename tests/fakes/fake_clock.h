// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/synchronization/mutex.h"
#include "common/clock.h"

namespace hostmon::testing {

// A clock that moves only when told to.
class FakeClock : public common::Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1700000000)) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;
};

}  // namespace hostmon::testing
