// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// What node_exporter takes from statfs(2): sizes are blocks * bsize, as node_exporter computes.
struct FsStats {
  uint64_t blocks = 0;
  uint64_t bfree = 0;
  uint64_t bavail = 0;
  uint64_t bsize = 0;
  uint64_t files = 0;
  uint64_t ffree = 0;
};

// statvfs(3) behind a function so tests can substitute hanging or failing mounts. Called on a
// worker thread, possibly after the source is gone, so it must be self-contained (own its state).
using StatFsFunc = std::function<absl::Status(const std::string& path, FsStats* out)>;

// The real statvfs(3).
absl::Status RealStatFs(const std::string& path, FsStats* out);

// Options and defaults (node_exporter's --collector.filesystem.* upstream defaults).
const std::vector<SourceOption>& FilesystemOptions();

// node_filesystem_{size,free,avail}_bytes, _files, _files_free, _readonly, _device_error
// {device,fstype,mountpoint} for the mounts in <procfs>/1/mounts (fallback <procfs>/mounts), as
// node_exporter's filesystem collector. The statvfs calls run on a small pool of worker threads
// and a round waits at most mount-timeout for them; a mount whose call is stuck reports
// device_error 1 and is not called again until that call returns (its worker is replaced, so at
// most one stuck thread per mount point). InvalidArgument (naming the option) on a bad option.
absl::StatusOr<SourcePtr> MakeFilesystemSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeFilesystemSourceWithStatFs(const SourceContext& ctx,
                                                         StatFsFunc statfs);

}  // namespace hostmon::agent
