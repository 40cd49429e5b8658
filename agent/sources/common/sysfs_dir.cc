// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/sysfs_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {
namespace {

absl::Status Errno(absl::string_view op, const std::string& path, int err) {
  std::string msg = absl::StrCat(op, " ", path, ": ", std::strerror(err));
  return err == ENOENT ? absl::NotFoundError(msg) : absl::UnavailableError(msg);
}

class RealOps : public SysfsDirOps {
 public:
  absl::Status ListDir(const std::string& dir, common::DirListing* out) override {
    return common::ListDir(dir, out);
  }

  absl::Status RealPath(const std::string& path, std::string* out) override {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) == nullptr) return Errno("realpath", path, errno);
    out->assign(buf);
    return absl::OkStatus();
  }

  bool IsDir(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  bool IsFile(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }
};

}  // namespace

std::unique_ptr<SysfsDirOps> RealSysfsDirOps() { return std::make_unique<RealOps>(); }

}  // namespace hostmon::agent
