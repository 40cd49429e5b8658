// SPDX-License-Identifier: Apache-2.0
#include "common/kept_files.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/bounded_read.h"
#include "common/fs_magic.h"

namespace hostmon::common {

struct KeptFiles::Entry {
  explicit Entry(int fd) : fd(fd) {}
  ~Entry() { ::close(fd); }
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  const int fd;
  bool whole_in_one_read = false;
  // Serializes reads of the descriptor: the kernel's seq_file position is per open file.
  absl::Mutex mu;
  // Guarded by KeptFiles::mu_.
  Dir* dir = nullptr;
  std::string dir_path;
  DirId dir_id;
  absl::Time last_used;
};

namespace {

// A read error that says the descriptor no longer stands for a file: a removed kernfs node (a
// device gone), an exited process. Any other error is the file's own answer, the same through a
// new open (the speed of a link that is down: EINVAL), and keeps the descriptor.
bool Stale(int err) {
  return err == ENODEV || err == ESRCH || err == ENOENT || err == ESTALE || err == EBADF ||
         err == EIO;
}

// Whether a read's outcome (its status and, for a failed read(2), the errno) is the file's answer,
// so that its descriptor stays kept.
bool FileAnswered(const absl::Status& s, int read_errno) {
  return s.ok() || (read_errno != 0 && !Stale(read_errno));
}

size_t FdBudget(size_t wanted) {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return wanted;
  return std::min<size_t>(wanted, static_cast<size_t>(rl.rlim_cur / 2));
}

}  // namespace

std::string KeptFiles::ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string KeptFiles::RenamableObjectDir(const std::string& path) {
  for (absl::string_view cls : {"/class/net/", "/class/infiniband/"}) {
    const size_t at = path.find(cls.data(), 0, cls.size());
    if (at == std::string::npos) continue;
    const size_t name_end = path.find('/', at + cls.size());
    if (name_end == std::string::npos) return "";  // a file directly in the class directory
    return path.substr(0, name_end);
  }
  return "";
}

KeptFiles::Keep KeptFiles::IsProcOrSys(int fd, const std::string& path) {
  struct statfs fs;
  if (::fstatfs(fd, &fs) != 0) return Keep::kNo;
  if (fs.f_type == SYSFS_MAGIC) return Keep::kWholeInOneRead;
  if (fs.f_type != PROC_SUPER_MAGIC) return Keep::kNo;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (!part.empty() && part != "1" && absl::c_all_of(part, absl::ascii_isdigit)) {
      return Keep::kNo;
    }
  }
  return IsSysctl(path) ? Keep::kWholeInOneRead : Keep::kYes;
}

bool KeptFiles::IsSysctl(const std::string& path) {
  // Below procfs's directory "sys" (/proc/sys, or /host/proc/sys under another procfs root): a
  // directory named sys that is on procfs and whose parent is on procfs too. The path alone does
  // not tell: the procfs root itself may contain a "sys" (/srv/sys/proc), and procfs may be
  // mounted at a directory named sys.
  for (size_t at = path.find("/sys/"); at != std::string::npos; at = path.find("/sys/", at + 1)) {
    if (at == 0) continue;  // "/sys" itself is sysfs's
    if (OnProcfs(path.substr(0, at + 4)) && OnProcfs(path.substr(0, at))) return true;
  }
  return false;
}

KeptFiles::KeptFiles(Options options, const Clock* clock)
    : options_(options), clock_(clock), max_files_(FdBudget(options.max_files)) {}

KeptFiles::~KeptFiles() = default;

KeptFiles::Stats KeptFiles::stats() const {
  absl::MutexLock l(&mu_);
  Stats s = stats_;
  s.kept = files_.size();
  return s;
}

KeptFiles::DirId KeptFiles::StatDir(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return DirId{};
  return DirId{true, st.st_dev, st.st_ino};
}

KeptFiles::DirId KeptFiles::CheckDir(const std::string& dir, Dir* d, absl::Time now) {
  if (now - d->checked < options_.dir_check) return d->id;
  d->id = StatDir(dir);
  d->checked = now;
  return d->id;
}

void KeptFiles::Forget(const std::string& path, const Entry* e) {
  auto it = files_.find(path);
  if (it == files_.end() || it->second.get() != e) return;  // already replaced or swept
  ++stats_.reopens;
  Release(*it->second);
  files_.erase(it);  // may destroy the entry: nothing of it is used after this
}

void KeptFiles::Release(const Entry& e) {
  if (e.dir != nullptr && --e.dir->files == 0) dirs_.erase(e.dir_path);
}

void KeptFiles::MaybeSweep(absl::Time now) {
  if (now - last_sweep_ < options_.idle_close / 4) return;
  last_sweep_ = now;
  for (auto it = files_.begin(); it != files_.end();) {
    Entry& e = *it->second;
    if (now - e.last_used < options_.idle_close) {
      ++it;
      continue;
    }
    Release(e);
    // A reader holding the entry keeps its descriptor open until it is done.
    files_.erase(it++);
  }
}

absl::Status KeptFiles::Read(const std::string& path, std::string* out, size_t max_bytes) {
  const absl::Time now = clock_->Now();
  std::shared_ptr<Entry> e;
  {
    absl::MutexLock l(&mu_);
    MaybeSweep(now);
    if (auto it = files_.find(path); it != files_.end()) {
      Entry& k = *it->second;
      if (k.dir == nullptr || CheckDir(k.dir_path, k.dir, now) == k.dir_id) {
        k.last_used = now;
        e = it->second;
        ++stats_.kept_reads;
      } else {
        Forget(path, &k);
      }
    }
  }
  if (e != nullptr) {
    absl::Status s;
    int err = 0;
    {
      absl::MutexLock l(&e->mu);
      s = internal::ReadOpenFile(e->fd, path, out, max_bytes, /*from_start=*/true, &err,
                                 e->whole_in_one_read);
    }
    if (FileAnswered(s, err)) return s;
    absl::MutexLock l(&mu_);
    Forget(path, e.get());
    // Too large stays too large; a stale descriptor (a removed device, an exited process) is
    // answered by a new open, as a first read would be.
    if (absl::IsResourceExhausted(s)) return s;
  }
  return OpenAndRead(path, out, max_bytes, now);
}

absl::Status KeptFiles::OpenAndRead(const std::string& path, std::string* out, size_t max_bytes,
                                    absl::Time now) {
  // The directory's identity is taken before the open: if the path changes in between, the
  // descriptor is of the newer object and the next check opens it again; never the reverse.
  const std::string dir_path = options_.identity_dir(path);
  bool room = false;
  DirId dir_id;
  {
    absl::MutexLock l(&mu_);
    room = files_.size() < max_files_;
    if (room && !dir_path.empty()) {
      // A directory is recorded only while a kept file lies below it.
      auto it = dirs_.find(dir_path);
      dir_id = it != dirs_.end() ? CheckDir(dir_path, &it->second, now) : StatDir(dir_path);
    }
  }
  out->clear();
  int fd = -1;
  if (absl::Status s = internal::OpenRegularFile(path, &fd); !s.ok()) return s;
  {
    absl::MutexLock l(&mu_);
    ++stats_.opens;
  }
  const Keep how =
      room && (dir_path.empty() || dir_id.exists) ? options_.keepable(fd, path) : Keep::kNo;
  bool keep = how != Keep::kNo;
  const bool whole = how == Keep::kWholeInOneRead;
  int err = 0;
  absl::Status s =
      internal::ReadOpenFile(fd, path, out, max_bytes, /*from_start=*/keep, &err, whole);
  if (keep && err == ESPIPE) {
    // A file opened non-seekable (nonseekable_open) refuses pread(2): read it as before, and
    // never keep it. The failed pread did not move the file offset.
    keep = false;
    err = 0;
    s = internal::ReadOpenFile(fd, path, out, max_bytes, /*from_start=*/false, &err);
  }
  if (!keep || !FileAnswered(s, err)) {
    ::close(fd);
    return s;
  }
  auto entry = std::make_shared<Entry>(fd);
  entry->whole_in_one_read = whole;
  absl::MutexLock l(&mu_);
  if (files_.size() >= max_files_ || files_.contains(path)) return s;  // entry closes fd
  if (!dir_path.empty()) {
    Dir& d = dirs_[dir_path];
    if (d.files == 0) {
      d.id = dir_id;
      d.checked = now;
    }
    ++d.files;
    entry->dir = &d;
    entry->dir_path = dir_path;
    entry->dir_id = dir_id;
  }
  entry->last_used = now;
  files_.emplace(path, std::move(entry));
  return s;
}

}  // namespace hostmon::common
