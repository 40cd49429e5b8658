// SPDX-License-Identifier: Apache-2.0
//
// The weblog source (off by default): request counts by status class and method, a response
// time histogram and read health per access log listed in a logs file (docs/weblog.md). Every
// series carries log="<name>" only: never the path, client or URL, so the series count per log
// is fixed whatever the traffic.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// Options: config (logs file), state-file (read positions and counters across restarts).
absl::StatusOr<SourcePtr> MakeWeblogSource(const SourceContext& ctx);
const std::vector<SourceOption>& WeblogOptions();

}  // namespace hostmon::agent
