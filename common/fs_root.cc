// SPDX-License-Identifier: Apache-2.0
#include "common/fs_root.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hostmon::common {

std::string FsRoot::Join(const std::string& root, absl::string_view rel) {
  std::string out = root;
  if (out.empty() || out.back() != '/') out.push_back('/');
  while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
  out.append(rel.data(), rel.size());
  return out;
}

absl::Status ReadFileTo(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = absl::StrCat("open ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg) : absl::UnavailableError(msg);
  }
  out->clear();
  if (out->capacity() < 4096) out->reserve(4096);
  while (true) {
    size_t used = out->size();
    if (out->capacity() - used < 1024) out->reserve(out->capacity() * 2);
    // resize within capacity does not allocate; read straight into the string's buffer.
    out->resize(out->capacity());
    ssize_t n = ::read(fd, out->data() + used, out->size() - used);
    if (n < 0) {
      if (errno == EINTR) {
        out->resize(used);
        continue;
      }
      int err = errno;
      out->resize(used);
      ::close(fd);
      return absl::UnavailableError(absl::StrCat("read ", path, ": ", std::strerror(err)));
    }
    out->resize(used + static_cast<size_t>(n));
    if (n == 0) break;
  }
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace hostmon::common
