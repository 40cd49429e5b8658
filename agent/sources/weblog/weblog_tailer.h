// SPDX-License-Identifier: Apache-2.0
//
// Follows one log file by path with a stat and bounded reads per collection (no inotify: one
// fstat + stat per log per cycle is cheaper than a watch for logs that change every second), and
// hands complete lines to a callback. docs/weblog.md, "Rotation and restarts", is the user-facing
// description of the rules below.
//  - Only new bytes are read, at most max_read_bytes per Poll(): a backlog is worked off over
//    several collections instead of stalling one.
//  - Rename rotation (logrotate `create`, nginx USR1): when the path names another inode, the old
//    file is read to its end through the open descriptor, then the new file is read from 0; the
//    old descriptor is drained once more on the next Poll() for lines the server wrote before it
//    reopened its log.
//  - copytruncate: the open file is shorter than the read position -> read again from 0.
//  - A deleted file (no link left) is read to its end and closed; a file that appears later is
//    read from its beginning (all of it is new).
//  - A partial last line stays buffered (at most max_line_bytes) until its newline arrives; a
//    longer line is counted as oversized and skipped to its newline without being buffered.
// Position (device, inode, offset of the last complete line) is exported for the state file;
// Restore() checks it against the file on the first open so a restart neither re-reads nor
// skips lines.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent::weblog {

// Where reading stopped in a file; what the state file stores per log.
struct FilePosition {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t offset = 0;    // next byte to read that is not part of a consumed line
  bool skipping = false;  // offset is inside an oversized line: skip to its newline
  bool operator==(const FilePosition& o) const {
    return dev == o.dev && ino == o.ino && offset == o.offset && skipping == o.skipping;
  }
  bool operator!=(const FilePosition& o) const { return !(*this == o); }
};

struct TailStats {
  uint64_t bytes_read = 0;
  uint64_t rotations = 0;        // rename and truncate, seen while running or across a restart
  uint64_t read_errors = 0;      // open/stat/read failures other than "no such file"
  uint64_t oversized_lines = 0;  // lines longer than max_line_bytes (skipped)
};

class Tailer {
 public:
  Tailer(std::string path, size_t max_line_bytes, size_t max_read_bytes, bool start_at_beginning);
  ~Tailer();
  Tailer(const Tailer&) = delete;
  Tailer& operator=(const Tailer&) = delete;

  // The position saved by a previous run; used on the first open only.
  void Restore(const FilePosition& saved);
  // A previous run knew this log but its file did not exist: a file found now appeared while
  // the agent was down, so it is read from its beginning.
  void RestoreMissing() { saved_missing_ = true; }

  // Reads what is new; calls on_line for every complete line (without its newline). Adds to
  // *stats. Returns the last error message ("" when none) for the caller to log.
  std::string Poll(absl::FunctionRef<void(absl::string_view)> on_line, TailStats* stats);

  // The position of the current file; nullopt-like `valid` false when no file is open.
  bool position(FilePosition* out) const;
  bool open() const { return cur_.fd >= 0; }
  // Bytes held for partial lines (for tests: bounded by max_line_bytes per open file).
  size_t buffered_bytes() const { return cur_.pending.capacity() + old_.pending.capacity(); }

 private:
  struct Cursor {
    int fd = -1;
    uint64_t dev = 0, ino = 0;
    uint64_t read_pos = 0;
    std::string pending;  // partial line, at most max_line_bytes_
    bool skipping = false;
  };
  enum class Drain { kEof, kBudget, kError };

  std::string Open(bool from_start, TailStats* stats);
  Drain DrainCursor(Cursor& c, size_t* budget, absl::FunctionRef<void(absl::string_view)> on_line,
                    TailStats* stats, std::string* error);
  void Finish(Cursor& c, absl::FunctionRef<void(absl::string_view)> on_line);

  const std::string path_;
  const size_t max_line_bytes_;
  const size_t max_read_bytes_;
  const bool start_at_beginning_;
  bool first_open_ = true;  // no file opened yet since the start
  bool has_saved_ = false;
  bool saved_missing_ = false;
  FilePosition saved_;
  Cursor cur_;
  Cursor old_;  // the file before a rename rotation, drained once more
  std::string buf_;
};

}  // namespace hostmon::agent::weblog
