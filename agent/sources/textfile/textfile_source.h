// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "agent/source.h"
#include "common/dir_entries.h"

namespace hostmon::agent {

// The directory operations of the textfile source (not file reads, which go through
// common::ReadFileTo), behind an interface so tests can fix mtimes and listing failures.
class TextfileDirOps {
 public:
  virtual ~TextfileDirOps() = default;
  // Paths matching the shell pattern, sorted (as Go's filepath.Glob), written into the first
  // slots of *paths (kept allocated across calls); returns how many matched.
  virtual size_t Glob(const std::string& pattern, std::vector<std::string>* paths) = 0;
  // Names of the entries of `dir`, sorted, without "." and "..".
  virtual absl::Status ListDir(const std::string& dir, common::DirListing* out) = 0;
  // Modification time of `path` in whole seconds since the epoch (symlinks followed).
  virtual absl::Status MtimeSeconds(const std::string& path, int64_t* seconds) = 0;
};
std::unique_ptr<TextfileDirOps> RealTextfileDirOps();

// Default of option max-file-bytes: far above what a textfile holds (node_exporter's own output
// is about 100 KiB), a bound on what a runaway writer can cost.
inline constexpr size_t kTextfileMaxFileBytes = size_t{16} << 20;

// node_exporter's textfile collector: the samples of every `*.prom` file in `directory` (a glob
// pattern is allowed, as in 1.5.0), node_textfile_mtime_seconds{file} per file read, and
// node_textfile_scrape_error (1 when a directory or file could not be read or parsed; the other
// files are still exported and the source still succeeds). Only regular files are read (a
// symlink to one is followed): a FIFO, device node or socket named *.prom is an error naming it,
// never a blocked or endless read; so is a file larger than option max-file-bytes. An empty
// directory exports only node_textfile_scrape_error 0. The directory is used as given, not below
// --path.rootfs, as node_exporter does.
absl::StatusOr<SourcePtr> MakeTextfileSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeTextfileSourceWithOps(std::string directory,
                                                    std::unique_ptr<TextfileDirOps> ops,
                                                    size_t max_file_bytes = kTextfileMaxFileBytes);
// Options: directory, max-file-bytes.
const std::vector<SourceOption>& TextfileOptions();

}  // namespace hostmon::agent
