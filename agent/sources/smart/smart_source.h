// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// Options (--source.smart.<name>), including the slow tier's interval and timeout defaults.
const std::vector<SourceOption>& SmartOptions();

// SMART / NVMe health through smartctl's JSON output, under smartctl_exporter's metric names
// (agent/sources/smart/smart_parser.h). A slow source (agent/slow_tier.h): one smartctl per
// device, run with posix_spawn (no shell) with smartctl_exporter's arguments
// (--json --info --health --attributes --tolerance=verypermissive --nocheck=standby
// --format=brief --log=error [--device=TYPE] PATH), each killed at device-timeout or when the
// collection's timeout budget runs out. Devices: the explicit `devices` list, or
// `smartctl --json --scan-open` every collection. InvalidArgument (naming the option) on a bad
// option.
absl::StatusOr<SourcePtr> MakeSmartSource(const SourceContext& ctx);

}  // namespace hostmon::agent
