// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hostmon::testing {

// Waits until `pred` holds, checking every 2 ms, for at most `timeout`; returns whether it held.
// Tests wait for another thread's effect with this and assert on the result (REQUIRE(WaitFor(..)))
// instead of sleeping a fixed time and hoping the effect came first. The timeout only turns a
// hang into a failure; a passing test never waits for it.
inline bool WaitFor(const std::function<bool()>& pred, absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return pred();
}

}  // namespace hostmon::testing
