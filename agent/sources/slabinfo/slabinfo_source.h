// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_slabinfo_{active_objects,objects,object_size_bytes,objects_per_slab,pages_per_slab}{slab}
// from /proc/slabinfo, as node_exporter 1.12's slabinfo collector (off by default there and
// here; the file is root-only). Options slabs-include / slabs-exclude (RE2, unanchored; at most
// one).
absl::StatusOr<SourcePtr> MakeSlabinfoSource(const SourceContext& ctx);
std::vector<SourceOption> SlabinfoOptions();

}  // namespace hostmon::agent
