// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hostmon::common {

// Time source injected into logic (staleness, backoff, the agent's collection ticks) so tests
// control time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // Waits until `cond` holds or this clock reaches `deadline`, like absl::Mutex::
  // AwaitWithDeadline but in this clock's time; `mu` is held on entry and on return. Returns
  // whether `cond` holds. A loop that sleeps until its next tick waits here, so that a test's
  // clock sets its pace.
  virtual bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& cond,
                                 absl::Time deadline) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) = 0;
};

class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& cond,
                         absl::Time deadline) const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return mu->AwaitWithDeadline(cond, deadline);
  }
  static RealClock& Get() {
    static RealClock* clock = new RealClock();
    return *clock;
  }
};

}  // namespace hostmon::common
