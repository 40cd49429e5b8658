// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/hwmon/sysfs_dir.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
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
  absl::Status ListDir(const std::string& dir, std::vector<std::string>* names) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Errno("open", dir, errno);
    size_t n = 0;
    while (const dirent* e = ::readdir(d)) {
      const absl::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      if (n < names->size()) {
        (*names)[n].assign(name.data(), name.size());
      } else {
        names->emplace_back(name);
      }
      ++n;
    }
    ::closedir(d);
    names->resize(n);
    std::sort(names->begin(), names->end());
    return absl::OkStatus();
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
};

}  // namespace

std::unique_ptr<SysfsDirOps> RealSysfsDirOps() { return std::make_unique<RealOps>(); }

}  // namespace hostmon::agent
