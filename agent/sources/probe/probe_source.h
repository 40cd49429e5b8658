// SPDX-License-Identifier: Apache-2.0
//
// The probe source (slow tier, off by default): probes the targets of a targets file with the
// tcp, http, icmp and dns modules and exports blackbox_exporter's probe_* series plus a
// hostmon_probe_duration_seconds histogram per target (docs/probes.md). All due targets of a
// round run at once, each bounded by its own timeout, so a dead target costs one timeout and
// never delays another target or the agent's other sources.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// Options: config (targets file), interval, timeout, parallel.
absl::StatusOr<SourcePtr> MakeProbeSource(const SourceContext& ctx);
const std::vector<SourceOption>& ProbeOptions();

// The bucket bounds of hostmon_probe_duration_seconds (1 ms .. 10 s).
const std::vector<double>& ProbeHistogramBuckets();

}  // namespace hostmon::agent
