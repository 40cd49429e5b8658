// SPDX-License-Identifier: Apache-2.0
#include "common/fs_root.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/bounded_read.h"
#include "common/file_open_count.h"
#include "common/kept_files.h"

namespace hostmon::common {
namespace {

thread_local uint64_t files_opened = 0;

}  // namespace

uint64_t FilesOpenedOnThisThread() { return files_opened; }

void internal::NoteFileOpened() { ++files_opened; }

std::string FsRoot::Join(const std::string& root, absl::string_view rel) {
  std::string out = root;
  if (out.empty() || out.back() != '/') out.push_back('/');
  while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
  out.append(rel.data(), rel.size());
  return out;
}

const char* FileTypeName(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "regular file";
    case S_IFDIR:
      return "directory";
    case S_IFIFO:
      return "FIFO";
    case S_IFCHR:
      return "character device";
    case S_IFBLK:
      return "block device";
    case S_IFSOCK:
      return "socket";
    case S_IFLNK:
      return "symbolic link";
    default:
      return "unknown file type";
  }
}

absl::Status ReadFileTo(const std::string& path, std::string* out) {
  return ReadFileTo(path, out, kDefaultMaxFileBytes);
}

namespace {
std::atomic<KeptFiles*> kept_files{nullptr};
}  // namespace

void SetKeptFiles(KeptFiles* files) { kept_files.store(files, std::memory_order_release); }

absl::Status ReadFileTo(const std::string& path, std::string* out, size_t max_bytes) {
  if (KeptFiles* kept = kept_files.load(std::memory_order_acquire); kept != nullptr) {
    return kept->Read(path, out, max_bytes);
  }
  out->clear();
  int fd = -1;
  if (absl::Status s = internal::OpenRegularFile(path, &fd); !s.ok()) return s;
  absl::Status s = internal::ReadOpenFile(fd, path, out, max_bytes, /*from_start=*/false);
  ::close(fd);
  return s;
}

absl::Status internal::OpenRegularFile(const std::string& path, int* fd_out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    int err = errno;
    std::string msg = absl::StrCat("open ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg) : absl::UnavailableError(msg);
  }
  internal::NoteFileOpened();
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("stat ", path, ": ", std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat(path, ": not a regular file (", FileTypeName(st.st_mode), "), not read"));
  }
  *fd_out = fd;
  return absl::OkStatus();
}

absl::Status internal::ReadOpenFile(int fd, const std::string& path, std::string* out,
                                    size_t max_bytes, bool from_start, int* read_errno,
                                    bool short_read_ends) {
  out->clear();
  // Small files (nearly every procfs and sysfs file) are read through a buffer on the stack and
  // copied once. Reading straight into the string needs resize(), which zero-fills all of it
  // before every read, including the last read that returns 0 bytes: that zero-fill was a fifth
  // of the user-space instructions of a collection. Past the buffer's size, the string grows and
  // is read into directly, so a large file takes few reads.
  char chunk[8192];
  while (true) {
    const size_t used = out->size();
    // One byte past the cap is enough to tell a file over it (a cap of SIZE_MAX: no byte past).
    const size_t room = max_bytes - used == SIZE_MAX ? SIZE_MAX : max_bytes - used + 1;
    const bool small = used < sizeof chunk;
    char* dst = chunk;
    size_t ask = std::min(sizeof chunk, room);
    if (!small) {
      if (out->capacity() - used < 1024) out->reserve(out->capacity() * 2);
      // resize within capacity does not allocate.
      out->resize(used + std::min(out->capacity() - used, room));
      dst = out->data() + used;
      ask = out->size() - used;
    }
    ssize_t n = from_start ? ::pread(fd, dst, ask, static_cast<off_t>(used)) : ::read(fd, dst, ask);
    if (n < 0) {
      const int err = errno;
      out->resize(used);
      if (err == EINTR) continue;
      if (read_errno != nullptr) *read_errno = err;
      return absl::UnavailableError(absl::StrCat("read ", path, ": ", std::strerror(err)));
    }
    if (small) {
      out->append(chunk, static_cast<size_t>(n));
    } else {
      out->resize(used + static_cast<size_t>(n));
    }
    if (out->size() > max_bytes) {
      // Give the memory back: a reused buffer must not keep the size of a runaway file.
      out->clear();
      out->shrink_to_fit();
      return absl::ResourceExhaustedError(
          absl::StrCat(path, ": larger than ", max_bytes, " bytes, not read"));
    }
    if (n == 0) break;
    if (short_read_ends && used == 0 && static_cast<size_t>(n) < ask &&
        static_cast<size_t>(n) < kWholeReadBytes) {
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::common
