// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// The device-mapper multipath maps of /sys/block/dm-* (dm/uuid "mpath-..."), as node_exporter
// 1.12's dmmultipath collector: node_dmmultipath_device_info{device,sysfs_name,uuid},
// node_dmmultipath_device_{active,size_bytes,paths,paths_active,paths_failed}{device,sysfs_name}
// and node_dmmultipath_path_state{device,path,state} per path in slaves/. A host without maps
// has no series and no error (one listing of /sys/block per cycle). A file of a map that is
// missing or unreadable exports nothing (NotFound, as node_exporter's "no data"); any other bad
// file fails the collection.
absl::StatusOr<SourcePtr> MakeDmmultipathSource(const SourceContext& ctx);

}  // namespace hostmon::agent
