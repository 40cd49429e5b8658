// SPDX-License-Identifier: Apache-2.0
//
// Directory listing and symlink resolution for the sysfs sources (hwmon, thermal_zone, edac):
// syscalls rather than file reads, so behind an interface a test can replace.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The entry names of one directory, sorted. The names view `arena`; all three members keep their
// capacity across listings, so listing directories in steady state does not allocate.
struct DirListing {
  std::vector<absl::string_view> names;
  std::string arena;
  std::vector<std::pair<size_t, size_t>> spans;  // scratch: offset and length in arena
};

class SysfsDirOps {
 public:
  virtual ~SysfsDirOps() = default;
  // Entry names of `dir` without "." and "..", sorted (as Go's os.ReadDir). NotFound when `dir`
  // does not exist.
  virtual absl::Status ListDir(const std::string& dir, DirListing* out) = 0;
  // `path` with every symlink resolved (as Go's filepath.EvalSymlinks); NotFound if it does not
  // exist.
  virtual absl::Status RealPath(const std::string& path, std::string* out) = 0;
  // True when `path` (symlinks followed) is a directory / a regular file. Sources ask before
  // reading optional files: a failed read builds an error Status, which allocates.
  virtual bool IsDir(const std::string& path) = 0;
  virtual bool IsFile(const std::string& path) = 0;
};

// The real thing: opendir/readdir, realpath(3), stat(2).
std::unique_ptr<SysfsDirOps> RealSysfsDirOps();

}  // namespace hostmon::agent
