// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/time/time.h"
#include "agent/source.h"
#include "common/clock.h"

namespace hostmon::agent {

// node_entropy_available_bits and node_entropy_pool_size_bits from
// /proc/sys/kernel/random/{entropy_avail,poolsize}, as node_exporter's entropy collector.
// entropy_avail is read every collection. poolsize is read-only and fixed by the running kernel
// (4096 bits before Linux 5.18, 256 since), while a read of a /proc/sys file is costly (over
// 100 us of kernel time on the VM of docs/benchmarks.md): it is read at the first collection and
// then every kEntropyPoolSizeRefresh (a StaticFile); an unreadable file is retried every
// collection.
absl::StatusOr<SourcePtr> MakeEntropySource(const SourceContext& ctx);

inline constexpr absl::Duration kEntropyPoolSizeRefresh = absl::Hours(1);

// The same with the clock that schedules the refresh (tests pass a fake one); not owned.
absl::StatusOr<SourcePtr> MakeEntropySourceWithClock(const SourceContext& ctx,
                                                     const common::Clock* clock);

}  // namespace hostmon::agent
