// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hostmon::agent::weblog {
namespace {

constexpr size_t kChunk = 64 * 1024;

void CloseCursor(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

}  // namespace

Tailer::Tailer(std::string path, size_t max_line_bytes, size_t max_read_bytes,
               bool start_at_beginning)
    : path_(std::move(path)),
      max_line_bytes_(max_line_bytes),
      max_read_bytes_(max_read_bytes),
      start_at_beginning_(start_at_beginning) {}

Tailer::~Tailer() {
  CloseCursor(&cur_.fd);
  CloseCursor(&old_.fd);
}

void Tailer::Restore(const FilePosition& saved) {
  saved_ = saved;
  has_saved_ = true;
}

bool Tailer::position(FilePosition* out) const {
  if (cur_.fd < 0) return false;
  out->dev = cur_.dev;
  out->ino = cur_.ino;
  out->skipping = cur_.skipping;
  // A partial line is not consumed: after a restart it is read again, whole.
  out->offset = cur_.skipping ? cur_.read_pos : cur_.read_pos - cur_.pending.size();
  return true;
}

// Opens path_ into cur_. `from_start`: a file that appeared after the start or replaced a
// rotated one, all of whose lines are new.
std::string Tailer::Open(bool from_start, TailStats* stats) {
  const bool first = first_open_;
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    // A log that does not exist yet is normal (a server not started, a path before its first
    // request): its lines, when it appears, are all read.
    first_open_ = false;
    if (err == ENOENT) return "";
    ++stats->read_errors;
    return absl::StrCat("open ", absl::CEscape(path_), ": ", std::strerror(err));
  }
  struct stat st;
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const int err = errno;
  if (!stat_ok || !S_ISREG(st.st_mode)) {
    ::close(fd);
    ++stats->read_errors;
    first_open_ = false;
    return absl::StrCat(absl::CEscape(path_), ": ",
                        stat_ok ? "not a regular file" : std::strerror(err));
  }
  first_open_ = false;
  cur_ = Cursor();
  cur_.fd = fd;
  cur_.dev = static_cast<uint64_t>(st.st_dev);
  cur_.ino = static_cast<uint64_t>(st.st_ino);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (first && has_saved_) {
    has_saved_ = false;
    if (saved_.dev == cur_.dev && saved_.ino == cur_.ino && saved_.offset <= size) {
      cur_.read_pos = saved_.offset;  // the same file: continue where the last run stopped
      cur_.skipping = saved_.skipping;
    } else {
      // Rotated (another inode) or truncated while the agent was down: the file holds only lines
      // written since, read it whole. Lines appended to the old file after the last run's final
      // read are in the rotated file, which we no longer know about.
      ++stats->rotations;
    }
    return "";
  }
  if (first && !from_start && !start_at_beginning_ && !saved_missing_) {
    // Tail from the end, as mtail and tail -F: a first start does not replay history. An
    // unfinished last line is skipped to its newline (not counted as malformed).
    cur_.read_pos = size;
    char last = '\n';
    if (size > 0 && ::pread(fd, &last, 1, static_cast<off_t>(size - 1)) == 1 && last != '\n') {
      cur_.skipping = true;
    }
  }
  return "";
}

Tailer::Drain Tailer::DrainCursor(Cursor& c, size_t* budget,
                                  absl::FunctionRef<void(absl::string_view)> on_line,
                                  TailStats* stats, std::string* error) {
  if (buf_.size() < kChunk) buf_.resize(kChunk);
  while (*budget > 0) {
    const size_t want = std::min(kChunk, *budget);
    const ssize_t n = ::pread(c.fd, &buf_[0], want, static_cast<off_t>(c.read_pos));
    if (n < 0) {
      if (errno == EINTR) continue;
      ++stats->read_errors;
      *error = absl::StrCat("read ", absl::CEscape(path_), ": ", std::strerror(errno));
      return Drain::kError;
    }
    if (n == 0) return Drain::kEof;
    c.read_pos += static_cast<uint64_t>(n);
    *budget -= static_cast<size_t>(n);
    stats->bytes_read += static_cast<uint64_t>(n);
    const char* p = buf_.data();
    const char* const end = p + n;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      if (c.skipping) {
        if (nl == nullptr) break;
        c.skipping = false;
        p = nl + 1;
        continue;
      }
      const size_t len = (nl ? nl : end) - p;
      if (c.pending.size() + len > max_line_bytes_) {
        // Oversized: counted once, never buffered beyond the bound.
        ++stats->oversized_lines;
        c.pending.clear();
        if (nl == nullptr) {
          c.skipping = true;
          break;
        }
        p = nl + 1;
        continue;
      }
      if (nl == nullptr) {
        c.pending.append(p, len);
        break;
      }
      if (c.pending.empty()) {
        on_line(absl::string_view(p, len));
      } else {
        c.pending.append(p, len);
        on_line(c.pending);
        c.pending.clear();
      }
      p = nl + 1;
    }
  }
  return Drain::kBudget;
}

// The file is done (deleted or replaced): a last line without its newline will never get one.
void Tailer::Finish(Cursor& c, absl::FunctionRef<void(absl::string_view)> on_line) {
  if (!c.pending.empty() && !c.skipping) on_line(c.pending);
  CloseCursor(&c.fd);
  c = Cursor();
}

std::string Tailer::Poll(absl::FunctionRef<void(absl::string_view)> on_line, TailStats* stats) {
  std::string error;
  size_t budget = max_read_bytes_;
  if (old_.fd >= 0) {
    const Drain d = DrainCursor(old_, &budget, on_line, stats, &error);
    if (d == Drain::kBudget) return error;
    Finish(old_, on_line);
  }
  if (cur_.fd < 0) {
    error = Open(/*from_start=*/!first_open_, stats);
    if (cur_.fd < 0) return error;
  }
  // Each pass drains the open file, then looks at what the path names now. Bounded: a rotation
  // or truncation found at the end of one pass starts one more.
  for (int pass = 0; pass < 4; ++pass) {
    struct stat fst;
    if (::fstat(cur_.fd, &fst) == 0 && static_cast<uint64_t>(fst.st_size) < cur_.read_pos) {
      // copytruncate (or `> access.log`): the file restarted; lines written between the copy and
      // the truncation are lost to every reader.
      ++stats->rotations;
      cur_.read_pos = 0;
      cur_.pending.clear();
      cur_.skipping = false;
    }
    const Drain d = DrainCursor(cur_, &budget, on_line, stats, &error);
    if (d != Drain::kEof) return error;
    struct stat pst;
    if (::stat(path_.c_str(), &pst) != 0) {
      if (errno != ENOENT) {
        ++stats->read_errors;
        return absl::StrCat("stat ", absl::CEscape(path_), ": ", std::strerror(errno));
      }
      // Renamed away with no successor yet: keep reading the old file by its descriptor until
      // the new one appears. Deleted (no link left): nothing more can be written, close it.
      if (::fstat(cur_.fd, &fst) == 0 && fst.st_nlink == 0) Finish(cur_, on_line);
      return error;
    }
    if (static_cast<uint64_t>(pst.st_ino) == cur_.ino &&
        static_cast<uint64_t>(pst.st_dev) == cur_.dev) {
      return error;
    }
    // Rename rotation: the old file is read to its end; keep its descriptor for one more Poll
    // (the server may write to it until it reopens its log), then read the new file from 0.
    ++stats->rotations;
    if (old_.fd >= 0) Finish(old_, on_line);
    old_ = std::move(cur_);
    cur_ = Cursor();
    error = Open(/*from_start=*/true, stats);
    if (cur_.fd < 0) return error;
  }
  return error;
}

}  // namespace hostmon::agent::weblog
