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

// Calls fn(absl::string_view name) for every entry of `dir` except "." and "..". Uses getdents64
// into a stack buffer, so listing allocates nothing (opendir's DIR buffer would be heap memory on
// every collection). NotFound when `dir` does not exist; the message names it.
template <typename Fn>
absl::Status ForEachDirEntry(const std::string& dir, Fn&& fn);

// Reads a whole file into *out, reusing its capacity (no allocation once warmed up). Works for
// procfs/sysfs files, whose stat size is 0. NotFound when the file does not exist; the message
// names the path.
absl::Status ReadFileTo(const std::string& path, std::string* out);

namespace internal {
// One getdents64 call: fills buf, returns bytes read (0 at end), or -errno.
long GetDents(int fd, char* buf, size_t size);
int OpenDir(const std::string& dir, absl::Status* error);
void CloseFd(int fd);
struct Dirent64Header {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};
}  // namespace internal

template <typename Fn>
absl::Status ForEachDirEntry(const std::string& dir, Fn&& fn) {
  absl::Status error;
  int fd = internal::OpenDir(dir, &error);
  if (fd < 0) return error;
  alignas(8) char buf[8192];
  while (true) {
    long n = internal::GetDents(fd, buf, sizeof(buf));
    if (n < 0) {
      internal::CloseFd(fd);
      return absl::UnavailableError("getdents64 " + dir + " failed");
    }
    if (n == 0) break;
    for (long off = 0; off < n;) {
      auto* d = reinterpret_cast<internal::Dirent64Header*>(buf + off);
      absl::string_view name(d->d_name);
      if (name != "." && name != "..") fn(name);
      off += d->d_reclen;
    }
  }
  internal::CloseFd(fd);
  return absl::OkStatus();
}

}  // namespace hostmon::common
