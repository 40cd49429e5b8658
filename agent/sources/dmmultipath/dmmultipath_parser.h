// SPDX-License-Identifier: Apache-2.0
//
// Device-mapper multipath maps in /sys/block (drivers/md/dm-sysfs.c, block/genhd.c): a map is a
// dm-N block device whose dm/uuid starts with "mpath-" (multipathd names them so), e.g.
//   /sys/block/dm-5/dm/uuid        mpath-3600508b1001c1234567890abcdef1234
//   /sys/block/dm-5/dm/name        mpathA
//   /sys/block/dm-5/dm/suspended   0
//   /sys/block/dm-5/size           104857600   (512-byte sectors)
//   /sys/block/dm-5/slaves/sdi ... the path devices, whose /sys/block/sdi/device/state is
//                                  "running" (SCSI) / "live" (NVMe) when usable
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// A whole-file unsigned decimal (dm/suspended, size) as node_exporter's procfs reads it
// (util.ReadUintFromFile: trimmed, strconv.ParseUint base 10). The error names `file`.
absl::Status ParseDmUint(absl::string_view file_text, absl::string_view file, uint64_t* out);

// True for a path state node_exporter counts as active: SCSI "running", NVMe "live".
bool IsDmPathActive(absl::string_view state);

}  // namespace hostmon::agent
