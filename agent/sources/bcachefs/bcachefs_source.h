// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// node_exporter 1.12's bcachefs collector over /sys/fs/bcachefs/<uuid>/, per filesystem {uuid}:
//  - node_bcachefs_info, node_bcachefs_btree_cache_size_bytes;
//  - node_bcachefs_compression_{compressed,uncompressed}_bytes{algorithm},
//    node_bcachefs_errors_total{error_type}, node_bcachefs_btree_writes_total{type},
//    node_bcachefs_btree_write_average_size_bytes{type};
//  - node_bcachefs_<counter>_total, one family per file of counters/ (its "since filesystem
//    creation" value; the name made valid as node_exporter's SanitizeMetricName does);
//  - per dev-<N> directory {device="<N>"}: node_bcachefs_device_info{label,state},
//    node_bcachefs_device_{bucket_size_bytes,buckets,durability},
//    node_bcachefs_device_io_done_bytes_total{operation,data_type},
//    node_bcachefs_device_io_errors_total{type}.
// Files a kernel version lacks are skipped as node_exporter skips them. As node_exporter, a bad
// file anywhere fails the whole collection (no series at all), naming the file. NotFound without
// /sys/fs/bcachefs (no bcachefs module: one failed open per collection) or without a mounted
// filesystem in it.
absl::StatusOr<SourcePtr> MakeBcachefsSource(const SourceContext& ctx);

}  // namespace hostmon::agent
