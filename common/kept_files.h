// SPDX-License-Identifier: Apache-2.0
//
// procfs and sysfs files kept open from one read to the next.
//
// For these files the open costs the kernel more than the content: a path walk (through the
// symlinks of /sys/class), then the allocation and release of the open file's state. On the
// agent's default collection (129 files; Debian 12, kernel 6.18, 2-core VM, 2026-12-07),
// open + fstat + read + close cost 2.8 ms per pass and a pread(2) at offset 0 on descriptors kept
// open 0.84 ms. The kernel renders such a file anew on each read from offset 0: seq_file starts
// over at offset 0, sysctl and sysfs attributes call their show handler per read (seeking to 0 is
// sysfs's documented way to re-read an attribute). So a kept descriptor reads what a new open
// would read.
//
// What keeps it right:
//  - A file that is gone fails its read (a removed device: ENODEV; an exited process: ESRCH).
//    Such a read drops the descriptor, and the file is opened anew, which answers as a first
//    open would (NotFound for a file that no longer exists). Other read errors are the file's
//    answer (a down link's speed: EINVAL) and keep the descriptor, as the next read may succeed.
//  - A path that now names another object. Only network interfaces and InfiniBand devices are
//    renamed while they exist (the kernel's device_rename); every other object keeps its path
//    until it is removed, and then the read fails. So a kept file below /class/net/<name> or
//    /class/infiniband/<name> remembers the identity (device, inode) of that object's directory
//    when it was opened; the directory is stat(2)ed again when its last check is older than
//    `dir_check` (once per collection: one stat per interface), and a file whose object changed
//    (renamed away, or another interface took the name) is opened anew.
//  - Only procfs and sysfs files (statfs(2) magic) are kept, and of /proc/<pid>/ only init's
//    (/proc/1/mounts) and the agent's own (/proc/self/). A file on a disk filesystem (a textfile,
//    a configuration file, a fake tree in tests) may be replaced by a rename, which a kept
//    descriptor would not see.
//  - Bounded: at most `max_files` descriptors (and at most half the soft RLIMIT_NOFILE); a file
//    not read for `idle_close` is closed. Each kept descriptor also holds a small kernel buffer
//    (a page for most files).
// Thread-safe: the fast collection and the slow tier's threads read through one instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace hostmon::common {

class KeptFiles {
 public:
  // Whether a file may be kept, and how a read of it ends.
  enum class Keep {
    kNo,
    kYes,  // read until a read returns 0 bytes
    // The kernel renders the whole file in one read: a sysfs attribute (at most a page, from one
    // show handler) or a sysctl under /proc/sys. A read that returns fewer bytes than asked (and
    // under a page) is the whole file; the read for the end is skipped, because for these files it
    // is not free: sysfs renders the attribute again to find the offset, sysctl calls its handler
    // again (on Debian 12's kernel about as much as the first read for sysfs, ~9 µs for sysctl).
    kWholeInOneRead,
  };
  struct Options {
    size_t max_files = 1024;
    absl::Duration idle_close = absl::Minutes(10);
    absl::Duration dir_check = absl::Milliseconds(200);
    // Which files may be kept; by default procfs and sysfs files (statfs magic). Tests replace it
    // to keep files of a temporary directory.
    Keep (*keepable)(int fd, const std::string& path) = &KeptFiles::IsProcOrSys;
    // The directory whose identity vouches for a kept file's path, "" for none (see above).
    std::string (*identity_dir)(const std::string& path) = &KeptFiles::RenamableObjectDir;
  };
  struct Stats {
    uint64_t opens = 0;       // files opened (kept or not)
    uint64_t kept_reads = 0;  // reads through a kept descriptor
    uint64_t reopens = 0;     // kept descriptors dropped: failed read or changed directory
    size_t kept = 0;          // descriptors open now
  };

  explicit KeptFiles(Options options, const Clock* clock = &RealClock::Get());
  ~KeptFiles();
  KeptFiles(const KeptFiles&) = delete;
  KeptFiles& operator=(const KeptFiles&) = delete;

  // ReadFileTo(path, out, max_bytes) (common/bounded_read.h), with the same bounds, checks and
  // errors, through a kept descriptor where there is one.
  absl::Status Read(const std::string& path, std::string* out, size_t max_bytes);

  Stats stats() const;

  // The default Options::keepable: a procfs or sysfs file, except the files of processes other
  // than init and the agent (/proc/<pid>/...): processes come and go by the thousand, and a
  // descriptor kept for one that has exited would only wait for its idle close. Sysfs files and
  // sysctls are kWholeInOneRead.
  static Keep IsProcOrSys(int fd, const std::string& path);
  // Whether a procfs path is a sysctl (below procfs's "sys" directory), by statfs(2) of the
  // directories, as the procfs root is configurable.
  static bool IsSysctl(const std::string& path);
  // The default Options::identity_dir: "/sys/class/net/eth0" for
  // "/sys/class/net/eth0/statistics/rx_bytes", "" for a path of no renamable object.
  static std::string RenamableObjectDir(const std::string& path);
  // Options::identity_dir checking every file's own directory (tests).
  static std::string ParentDir(const std::string& path);

 private:
  struct DirId {
    bool exists = false;
    uint64_t dev = 0;
    uint64_t ino = 0;
    bool operator==(const DirId& o) const {
      return exists == o.exists && dev == o.dev && ino == o.ino;
    }
  };
  struct Dir {
    DirId id;
    absl::Time checked = absl::InfinitePast();
    size_t files = 0;  // kept files below it
  };
  struct Entry;

  // The directory's identity now (exists == false when it cannot be stat()ed).
  static DirId StatDir(const std::string& dir);
  // The directory's identity as of at most dir_check ago.
  DirId CheckDir(const std::string& dir, Dir* d, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Forget(const std::string& path, const Entry* e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops the entry's claim on its directory record.
  void Release(const Entry& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MaybeSweep(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OpenAndRead(const std::string& path, std::string* out, size_t max_bytes,
                           absl::Time now);

  const Options options_;
  const Clock* clock_;
  size_t max_files_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> files_ ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<std::string, Dir> dirs_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

// Makes every ReadFileTo of the process read through `files` (null: open each file per read, the
// default). The agent installs one at start; it must outlive every read.
void SetKeptFiles(KeptFiles* files);

}  // namespace hostmon::common
