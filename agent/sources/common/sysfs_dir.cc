// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/sysfs_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
  absl::Status ListDir(const std::string& dir, DirListing* out) override {
    // getdents64 into a member buffer rather than opendir(3), which mallocs its buffer on every
    // call: a steady-state collection must not allocate.
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("open", dir, errno);
    if (buf_.empty()) buf_.resize(32 * 1024);
    out->arena.clear();
    out->spans.clear();
    while (true) {
      const ssize_t got = ::getdents64(fd, buf_.data(), buf_.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        const int err = errno;
        ::close(fd);
        return Errno("getdents64", dir, err);
      }
      if (got == 0) break;
      for (ssize_t off = 0; off < got;) {
        const auto* e = reinterpret_cast<const dirent64*>(buf_.data() + off);
        off += e->d_reclen;
        const absl::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        out->spans.emplace_back(out->arena.size(), name.size());
        out->arena.append(name.data(), name.size());
      }
    }
    ::close(fd);
    // Views only once the arena has stopped growing.
    out->names.clear();
    const absl::string_view arena = out->arena;
    for (const auto& [offset, size] : out->spans) out->names.push_back(arena.substr(offset, size));
    std::sort(out->names.begin(), out->names.end());
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

  bool IsFile(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

 private:
  std::vector<char> buf_;
};

}  // namespace

std::unique_ptr<SysfsDirOps> RealSysfsDirOps() { return std::make_unique<RealOps>(); }

}  // namespace hostmon::agent
