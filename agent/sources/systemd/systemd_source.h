// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/source.h"
#include "agent/sources/systemd/systemd_client.h"

namespace hostmon::agent {

// node_exporter's --collector.systemd.unit-{include,exclude} defaults (anchored, RE2).
inline constexpr char kSystemdDefaultUnitInclude[] = ".+";
inline constexpr char kSystemdDefaultUnitExclude[] = ".+\\.(automount|device|mount|scope|slice)";

// Unit states from systemd over D-Bus, as node_exporter 1.5.0's systemd collector:
// node_systemd_unit_state{name,state,type}, node_systemd_units{state},
// node_systemd_socket_{accepted,current,refused}_connections, node_systemd_system_running.
// Units are those whose LoadState is "loaded", whose name fully matches "unit-include" and does
// not fully match "unit-exclude". Without systemd, Collect returns NotFound (logged at debug).
// InvalidArgument naming the option if a regex does not compile.
absl::StatusOr<SourcePtr> MakeSystemdSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeSystemdSourceWithClient(const SourceContext& ctx,
                                                      std::unique_ptr<SystemdClient> client);

const std::vector<SourceOption>& SystemdOptions();

}  // namespace hostmon::agent
