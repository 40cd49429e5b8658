// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/timex.h>

#include <functional>

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// Reads the kernel clock state like adjtimex(2) with modes = 0: fills *tx and returns the clock
// state (TIME_OK ... TIME_ERROR). Injectable so that tests need not depend on the host's NTP.
using AdjtimexFunction = std::function<absl::StatusOr<int>(struct timex* tx)>;

// node_timex_* (offset, frequency, errors, status, PLL and PPS values) from adjtimex(2), as
// node_exporter's timex collector.
absl::StatusOr<SourcePtr> MakeTimexSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeTimexSourceWith(AdjtimexFunction adjtimex);

}  // namespace hostmon::agent
