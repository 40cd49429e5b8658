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
  // Returns once `cond` holds or Advance (from another thread) has moved the clock to
  // `deadline`. The waiter re-checks every millisecond of real time: Advance does not know the
  // waiter's mutex, so it cannot wake it.
  bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& cond,
                         absl::Time deadline) const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    while (Now() < deadline) {
      if (mu->AwaitWithTimeout(cond, absl::Milliseconds(1))) return true;
    }
    return cond.Eval();
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;
};

}  // namespace hostmon::testing
