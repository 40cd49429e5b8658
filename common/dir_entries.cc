// SPDX-License-Identifier: Apache-2.0
#include "common/dir_entries.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/file_open_count.h"

namespace hostmon::common {

bool DirEntry::IsDirectory() const {
  if (type_ == DT_DIR) return true;
  if (type_ != DT_LNK && type_ != DT_UNKNOWN) return false;
  struct stat st;
  return ::fstatat(dir_fd_, name_, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

absl::Status ListDir(const std::string& dir, DirListing* out) {
  out->arena.clear();
  out->spans.clear();
  absl::Status status = ForEachDirEntry(dir, [out](const DirEntry& e) {
    out->spans.emplace_back(out->arena.size(), e.name().size());
    out->arena.append(e.name().data(), e.name().size());
  });
  out->names.clear();
  if (!status.ok()) return status;
  // Views only once the arena has stopped growing.
  const absl::string_view arena = out->arena;
  for (const auto& [offset, size] : out->spans) out->names.push_back(arena.substr(offset, size));
  std::sort(out->names.begin(), out->names.end());
  return absl::OkStatus();
}

namespace internal {

int OpenDir(const std::string& dir, absl::Status* error) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string msg = absl::StrCat("open ", dir, ": ", std::strerror(err));
    // ESRCH: /proc/<pid>/... of a process that exited meanwhile.
    *error = err == ENOENT || err == ESRCH ? absl::NotFoundError(msg) : absl::UnavailableError(msg);
  } else {
    NoteFileOpened();
  }
  return fd;
}

long ReadDirEntries(int fd, const std::string& dir, char* buf, size_t size, absl::Status* error) {
  while (true) {
    const long n = ::syscall(SYS_getdents64, fd, buf, size);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    const int err = errno;
    std::string msg = absl::StrCat("getdents64 ", dir, ": ", std::strerror(err));
    *error = err == ENOENT ? absl::NotFoundError(msg) : absl::UnavailableError(msg);
    return -1;
  }
}

void CloseDir(int fd) { ::close(fd); }

bool DirentCursor::Next(const char** name, unsigned char* type) {
  while (off < n) {
    const char* rec = buf + off;
    uint16_t reclen;
    std::memcpy(&reclen, rec + offsetof(struct dirent64, d_reclen), sizeof(reclen));
    off += reclen;
    const char* d_name = rec + offsetof(struct dirent64, d_name);
    if (std::strcmp(d_name, ".") == 0 || std::strcmp(d_name, "..") == 0) continue;
    *type = static_cast<unsigned char>(rec[offsetof(struct dirent64, d_type)]);
    *name = d_name;
    return true;
  }
  return false;
}

}  // namespace internal
}  // namespace hostmon::common
