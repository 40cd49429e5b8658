// SPDX-License-Identifier: Apache-2.0
//
// Which filesystem a path lies on, by statfs(2) magic. The procfs root is configurable and tests
// point it at plain directories, so the path alone does not tell.
#pragma once

#include <linux/magic.h>
#include <sys/vfs.h>

#include <string>

namespace hostmon::common {

// Whether `path` lies on procfs; false when it cannot be statfs()ed.
inline bool OnProcfs(const std::string& path) {
  struct statfs fs;
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

}  // namespace hostmon::common
