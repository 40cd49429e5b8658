// SPDX-License-Identifier: Apache-2.0
//
// Directory listing and symlink resolution for the sysfs sources (hwmon, thermal_zone, edac):
// syscalls rather than file reads, so behind an interface a test can replace.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace hostmon::agent {

class SysfsDirOps {
 public:
  virtual ~SysfsDirOps() = default;
  // Entry names of `dir` without "." and "..", sorted (as Go's os.ReadDir). Reuses the strings
  // already in *names. NotFound when `dir` does not exist.
  virtual absl::Status ListDir(const std::string& dir, std::vector<std::string>* names) = 0;
  // `path` with every symlink resolved (as Go's filepath.EvalSymlinks); NotFound if it does not
  // exist.
  virtual absl::Status RealPath(const std::string& path, std::string* out) = 0;
  // True when `path` (symlinks followed) is a directory.
  virtual bool IsDir(const std::string& path) = 0;
};

// The real thing: opendir/readdir, realpath(3), stat(2).
std::unique_ptr<SysfsDirOps> RealSysfsDirOps();

}  // namespace hostmon::agent
