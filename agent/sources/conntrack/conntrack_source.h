// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/time/time.h"
#include "agent/source.h"
#include "common/clock.h"

namespace hostmon::agent {

// node_nf_conntrack_entries, node_nf_conntrack_entries_limit and node_nf_conntrack_stat_* from
// /proc/sys/net/netfilter and /proc/net/stat/nf_conntrack, as node_exporter's conntrack
// collector. NotFound without the nf_conntrack module. nf_conntrack_count and the stat table are
// read every collection. nf_conntrack_max changes only when an administrator sets it (sysctl),
// while a read of a /proc/sys file is costly (over 100 us of kernel time on the VM of
// docs/benchmarks.md): it is read at the first collection and then every kConntrackMaxRefresh (a
// StaticFile), so a new limit shows within a minute; an unreadable file is retried every
// collection.
absl::StatusOr<SourcePtr> MakeConntrackSource(const SourceContext& ctx);

inline constexpr absl::Duration kConntrackMaxRefresh = absl::Minutes(1);

// The same with the clock that schedules the refresh (tests pass a fake one); not owned.
absl::StatusOr<SourcePtr> MakeConntrackSourceWithClock(const SourceContext& ctx,
                                                       const common::Clock* clock);

}  // namespace hostmon::agent
