// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/time/time.h"
#include "agent/source.h"
#include "common/clock.h"

namespace hostmon::agent {

// node_os_info{build_id,id,id_like,...,version_id} 1 and node_os_version{id,id_like,name} from
// <rootfs>/etc/os-release, falling back to <rootfs>/usr/lib/os-release, as node_exporter's os
// collector. The file cannot change while the host runs except on a distribution upgrade, so it
// is read at the first collection and then every kOsReleaseRefresh (a StaticFile), not every
// collection; an unreadable file is retried every collection.
absl::StatusOr<SourcePtr> MakeOsSource(const SourceContext& ctx);

inline constexpr absl::Duration kOsReleaseRefresh = absl::Minutes(10);

// The same with the clock that schedules the refresh (tests pass a fake one); not owned.
absl::StatusOr<SourcePtr> MakeOsSourceWithClock(const SourceContext& ctx,
                                                const common::Clock* clock);

}  // namespace hostmon::agent
