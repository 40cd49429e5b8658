// SPDX-License-Identifier: Apache-2.0
//
// Every file the agent reads is resolved here against the roots given by --path.procfs,
// --path.sysfs and --path.rootfs, so whole fake trees can stand in for a machine in tests and a
// containerised agent can read the host's /proc mounted elsewhere. No other code names "/proc".
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::common {

class FsRoot {
 public:
  FsRoot() = default;
  FsRoot(std::string procfs, std::string sysfs, std::string rootfs)
      : procfs_(std::move(procfs)), sysfs_(std::move(sysfs)), rootfs_(std::move(rootfs)) {}

  // Paths below the roots; `rel` has no leading slash, e.g. Proc("meminfo").
  std::string Proc(absl::string_view rel) const { return Join(procfs_, rel); }
  std::string Sys(absl::string_view rel) const { return Join(sysfs_, rel); }
  std::string Root(absl::string_view rel) const { return Join(rootfs_, rel); }

  const std::string& procfs() const { return procfs_; }
  const std::string& sysfs() const { return sysfs_; }
  const std::string& rootfs() const { return rootfs_; }

 private:
  static std::string Join(const std::string& root, absl::string_view rel);

  std::string procfs_ = "/proc";
  std::string sysfs_ = "/sys";
  std::string rootfs_ = "/";
};

// Reads a whole file into *out, reusing its capacity (no allocation once warmed up). Works for
// procfs/sysfs files, whose stat size is 0. NotFound when the file does not exist; the message
// names the path. Once the agent has installed KeptFiles (common/kept_files.h), procfs and sysfs
// files stay open from one read to the next.
absl::Status ReadFileTo(const std::string& path, std::string* out);

}  // namespace hostmon::common
