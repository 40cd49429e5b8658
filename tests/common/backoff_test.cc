// SPDX-License-Identifier: Apache-2.0
#include "common/backoff.h"

#include <catch2/catch.hpp>
#include <limits>

namespace hostmon::common {
namespace {

TEST_CASE("ExponentialBackoff doubles from min and caps at max", "[common][backoff]") {
  const absl::Duration lo = absl::Milliseconds(30), hi = absl::Seconds(1);
  CHECK(ExponentialBackoff(1, lo, hi) == lo);
  CHECK(ExponentialBackoff(2, lo, hi) == absl::Milliseconds(60));
  CHECK(ExponentialBackoff(3, lo, hi) == absl::Milliseconds(120));
  CHECK(ExponentialBackoff(6, lo, hi) == absl::Milliseconds(960));
  CHECK(ExponentialBackoff(7, lo, hi) == hi);
  CHECK(ExponentialBackoff(12, lo, hi) == hi);
  // Never-ending outages must not overflow or take time.
  CHECK(ExponentialBackoff(std::numeric_limits<int>::max(), lo, hi) == hi);
  CHECK(ExponentialBackoff(std::numeric_limits<int>::max(), lo, absl::InfiniteDuration()) ==
        absl::InfiniteDuration());
  // Before the first retry, and nonsense counts, give min.
  CHECK(ExponentialBackoff(0, lo, hi) == lo);
  CHECK(ExponentialBackoff(-5, lo, hi) == lo);
  // The cap wins over min, and a zero min stays zero.
  CHECK(ExponentialBackoff(1, absl::Seconds(5), absl::Seconds(2)) == absl::Seconds(2));
  CHECK(ExponentialBackoff(1000, absl::ZeroDuration(), hi) == absl::ZeroDuration());
}

TEST_CASE("Jitter maps u in [0, 1] linearly onto the factor range", "[common][backoff]") {
  // ±20 % (agent reconnects, Alertmanager client).
  CHECK(Jitter(absl::Seconds(10), 0.8, 1.2, 0.0) == absl::Seconds(8));
  CHECK(Jitter(absl::Seconds(10), 0.8, 1.2, 0.5) == absl::Seconds(10));
  CHECK(Jitter(absl::Seconds(10), 0.8, 1.2, 1.0) == absl::Seconds(12));
  // [d/2, d] (remote write, as Prometheus).
  CHECK(Jitter(absl::Seconds(1), 0.5, 1.0, 0.0) == absl::Milliseconds(500));
  CHECK(Jitter(absl::Seconds(1), 0.5, 1.0, 0.5) == absl::Milliseconds(750));
  CHECK(Jitter(absl::Seconds(1), 0.5, 1.0, 0.999) <= absl::Seconds(1));
  // u outside [0, 1] is clamped, so a bad random source cannot leave the range.
  CHECK(Jitter(absl::Seconds(1), 0.5, 1.0, -3.0) == absl::Milliseconds(500));
  CHECK(Jitter(absl::Seconds(1), 0.5, 1.0, 7.0) == absl::Seconds(1));
  // No jitter: the duration itself.
  CHECK(Jitter(absl::Seconds(3), 1.0, 1.0, 0.7) == absl::Seconds(3));
}

}  // namespace
}  // namespace hostmon::common
