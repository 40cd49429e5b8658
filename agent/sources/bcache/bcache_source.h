// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// bcache cache sets from /sys/fs/bcache/<set-uuid>/ (drivers/md/bcache/sysfs.c), as
// node_exporter 1.12's bcache collector: per set the btree and journal figures (top level and
// internal/), per backing device bdev<N> dirty data, writeback_rate_debug and stats_total
// counters, per cache device cache<N> I/O errors and bytes written, and with the option
// priority-stats the unused and metadata percentages of priority_stats (expensive for the
// kernel: it sorts every bucket's priority). A value file that does not exist counts 0; a bad
// value, or a missing writeback_rate_debug (or priority_stats when asked for), fails the whole
// collection, so that no set is reported half. The 5-minute and set-wide period counters, which
// node_exporter reads but does not export, are not read. NotFound without bcache.
absl::StatusOr<SourcePtr> MakeBcacheSource(const SourceContext& ctx);
std::vector<SourceOption> BcacheOptions();

}  // namespace hostmon::agent
