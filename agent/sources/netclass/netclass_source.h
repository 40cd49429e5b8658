// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/source.h"
#include "common/clock.h"

namespace hostmon::agent {

// Names of the subdirectories (or symlinks to directories) of `dir`, in any order. NotFound when
// `dir` does not exist. Injectable so that tests can list a fake tree.
using ListDirsFn =
    std::function<absl::Status(const std::string& dir, std::vector<std::string>* names)>;
absl::Status ListSubdirectories(const std::string& dir, std::vector<std::string>* names);

// node_network_up, node_network_info{...} and node_network_<property> per interface from
// /sys/class/net/<iface>/*, as node_exporter 1.5.0's netclass collector. Options
// ignored-devices (regex, default "^$") and ignore-invalid-speed ("true"/"false", default false).
//
// The interfaces are listed every collection (one that appears is reported at once), and their
// counters and state are read every collection. The attributes that do not change while an
// interface exists (address, broadcast, addr_assign_type, dev_id, iflink, name_assign_type, type;
// see NetClassChange) are read at the interface's first collection and then every
// kNetclassRefresh, or at once when its ifindex shows it was re-created: a MAC address set with
// `ip link set address` shows within one refresh.
absl::StatusOr<SourcePtr> MakeNetclassSource(const SourceContext& ctx);

inline constexpr absl::Duration kNetclassRefresh = absl::Minutes(5);

// The same with the interface lister and the clock that schedules the refresh (tests pass fakes;
// the clock is not owned).
absl::StatusOr<SourcePtr> MakeNetclassSourceWithLister(
    const SourceContext& ctx, ListDirsFn list_dirs,
    const common::Clock* clock = &common::RealClock::Get());

}  // namespace hostmon::agent
