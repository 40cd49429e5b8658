// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hostmon::common {

// Time source injected into logic (staleness, backoff) so tests control time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static RealClock& Get() {
    static RealClock* clock = new RealClock();
    return *clock;
  }
};

}  // namespace hostmon::common
