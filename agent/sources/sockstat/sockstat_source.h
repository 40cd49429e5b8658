// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>

#include "agent/source.h"

namespace hostmon::agent {

// node_sockstat_sockets_used and node_sockstat_<PROTO>_<key> (plus <PROTO>_mem_bytes) from
// /proc/net/sockstat and /proc/net/sockstat6, as node_exporter's sockstat collector.
absl::StatusOr<SourcePtr> MakeSockstatSource(const SourceContext& ctx);

// Same, with the page size (to turn "mem" pages into bytes) supplied by the caller (tests).
absl::StatusOr<SourcePtr> MakeSockstatSourceWithPageSize(const SourceContext& ctx,
                                                         std::function<int64_t()> page_size);

}  // namespace hostmon::agent
