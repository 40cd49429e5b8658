// SPDX-License-Identifier: Apache-2.0
#include "common/backoff.h"

#include <algorithm>

namespace hostmon::common {

absl::Duration ExponentialBackoff(int attempt, absl::Duration min, absl::Duration max) {
  absl::Duration d = min;
  // Doubling stops at the cap, so a large attempt count costs nothing and cannot overflow.
  for (int i = 1; i < attempt && d < max && d > absl::ZeroDuration(); ++i) d *= 2;
  return std::min(d, max);
}

absl::Duration Jitter(absl::Duration d, double low_factor, double high_factor, double u) {
  u = std::clamp(u, 0.0, 1.0);
  return d * (low_factor + (high_factor - low_factor) * u);
}

}  // namespace hostmon::common
