// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_watchdog_{bootstatus, fw_version, nowayout, timeleft_seconds, timeout_seconds,
// pretimeout_seconds, access_cs0}{name} and node_watchdog_info{name, identity, options,
// pretimeout_governor, state, status} from /sys/class/watchdog/<name>/, as node_exporter 1.12's
// watchdog collector: a numeric series per attribute file that exists, the info series always
// (absent strings are ""). NotFound without /sys/class/watchdog.
absl::StatusOr<SourcePtr> MakeWatchdogSource(const SourceContext& ctx);

}  // namespace hostmon::agent
