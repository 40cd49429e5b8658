// SPDX-License-Identifier: Apache-2.0
//
// Retry backoff shared by every sender that retries a peer: the agent's stream reconnects, the
// Alertmanager client and the remote write queues. Pure functions (the caller draws the random
// number) so that the arithmetic is unit-tested without randomness; each caller keeps its own
// documented jitter range by choosing the factor bounds.
#pragma once

#include "absl/time/time.h"

namespace hostmon::common {

// The wait before retry number `attempt` (1 = the first retry): `min` doubled attempt-1 times,
// capped at `max` (and never more than `max`, even if min > max). attempt < 1 counts as 1. Does
// not overflow for any attempt count.
absl::Duration ExponentialBackoff(int attempt, absl::Duration min, absl::Duration max);

// `d` scaled by a factor in [low_factor, high_factor], linear in `u` (clamped to [0, 1]; draw it
// uniformly in [0, 1) to spread retries). E.g. factors 0.8/1.2 give ±20 %, 0.5/1.0 give [d/2, d].
absl::Duration Jitter(absl::Duration d, double low_factor, double high_factor, double u);

}  // namespace hostmon::common
