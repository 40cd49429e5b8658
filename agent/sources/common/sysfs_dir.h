// SPDX-License-Identifier: Apache-2.0
//
// Directory listing and symlink resolution for the sysfs sources (hwmon, thermal_zone, edac,
// powersupplyclass, rapl; textfile lists through it too): syscalls rather than file reads, so
// behind an interface a test can replace.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/dir_entries.h"

namespace hostmon::agent {

class SysfsDirOps {
 public:
  virtual ~SysfsDirOps() = default;
  // Entry names of `dir` without "." and "..", sorted (common::ListDir). NotFound when `dir` does
  // not exist.
  virtual absl::Status ListDir(const std::string& dir, common::DirListing* out) = 0;
  // `path` with every symlink resolved (as Go's filepath.EvalSymlinks); NotFound if it does not
  // exist.
  virtual absl::Status RealPath(const std::string& path, std::string* out) = 0;
  // True when `path` (symlinks followed) is a directory / a regular file. Sources ask before
  // reading optional files: a failed read builds an error Status, which allocates.
  virtual bool IsDir(const std::string& path) = 0;
  virtual bool IsFile(const std::string& path) = 0;
};

// The real thing: common::ListDir, realpath(3), stat(2).
std::unique_ptr<SysfsDirOps> RealSysfsDirOps();

}  // namespace hostmon::agent
