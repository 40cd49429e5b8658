// SPDX-License-Identifier: Apache-2.0
//
// Directory listing for the agent, in one place. Listing allocates nothing: getdents64(2) into a
// stack buffer (opendir(3) would allocate its DIR buffer on every collection), and ListDir's
// result keeps its memory from one listing to the next.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::common {

// One entry of a directory, as ForEachDirEntry passes it; valid during the call only.
class DirEntry {
 public:
  DirEntry(int dir_fd, const char* name, unsigned char type)
      : dir_fd_(dir_fd), name_(name), type_(type) {}

  absl::string_view name() const { return name_; }
  // True for a directory or a symlink to one (entries of /sys/class/* are symlinks).
  bool IsDirectory() const;

 private:
  int dir_fd_;
  const char* name_;
  unsigned char type_;  // d_type
};

// Calls fn(const DirEntry&) for every entry of `dir` except "." and "..", in directory order. fn
// returns void, or absl::Status: a non-OK status ends the listing and is returned. NotFound when
// `dir` does not exist (or belongs to a process that has exited); the message names it.
template <typename Fn>
absl::Status ForEachDirEntry(const std::string& dir, Fn&& fn);

// The entry names of one directory without "." and "..", sorted (as Go's os.ReadDir). The names
// view `arena`; all three members keep their capacity across listings, so listing directories in
// steady state does not allocate.
struct DirListing {
  std::vector<absl::string_view> names;
  std::string arena;
  std::vector<std::pair<size_t, size_t>> spans;  // scratch: offset and length in arena
};
absl::Status ListDir(const std::string& dir, DirListing* out);

namespace internal {
int OpenDir(const std::string& dir, absl::Status* error);
// One getdents64 call into buf: bytes read (0 at the end), or an error naming `dir`.
long ReadDirEntries(int fd, const std::string& dir, char* buf, size_t size, absl::Status* error);
void CloseDir(int fd);
// Walks the linux_dirent64 records of buf[0, n): u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type,
// char d_name[].
struct DirentCursor {
  const char* buf;
  long n;
  long off = 0;
  bool Next(const char** name, unsigned char* type);
};
}  // namespace internal

template <typename Fn>
absl::Status ForEachDirEntry(const std::string& dir, Fn&& fn) {
  absl::Status status;
  const int fd = internal::OpenDir(dir, &status);
  if (fd < 0) return status;
  alignas(8) char buf[8192];
  while (status.ok()) {
    const long n = internal::ReadDirEntries(fd, dir, buf, sizeof(buf), &status);
    if (n <= 0) break;
    internal::DirentCursor cursor{buf, n};
    const char* name;
    unsigned char type;
    while (status.ok() && cursor.Next(&name, &type)) {
      const DirEntry entry(fd, name, type);
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&, const DirEntry&>>) {
        fn(entry);
      } else {
        status = fn(entry);
      }
    }
  }
  internal::CloseDir(fd);
  return status;
}

}  // namespace hostmon::common
