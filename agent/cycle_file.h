// SPDX-License-Identifier: Apache-2.0
//
// A file that several fast-cycle sources read in the same collection (/proc/stat, read by the
// cpu, stat and process sources) is read once per collection and shared. Every read of a procfs
// file costs the kernel an open, a rendering of the whole file and a close (/proc/stat renders a
// line per CPU and sums every IRQ), and the sources of one collection want the same instant anyway.
//
// Collection::CollectOnce starts a cycle (CycleFiles::BeginCycle); the first Read() of a file in
// a cycle reads it, later Read()s in the same cycle return that content, or that error. Not
// thread-safe, by design: only the fast sources, which run one after another on the collection's
// thread, share these. Slow-tier sources run on their own threads and are built without
// CycleFiles, so each of their readers is their own (SourceContext::SharedFile).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

class CycleFile {
 public:
  // A reader of its own, not shared: it reads the file on every Read().
  explicit CycleFile(std::string path);

  // The content as read in the current cycle: read now on the first call of a cycle, and on
  // every call for a file of its own. The view stays valid until the next read. Errors are
  // common::ReadFileTo's, naming the path; a failed read is not retried within the cycle (every
  // source of the cycle sees the same outcome), but at the next one.
  absl::StatusOr<absl::string_view> Read();

  const std::string& path() const { return path_; }
  // Reads of the file so far, failed ones included.
  uint64_t reads() const { return reads_; }

 private:
  friend class CycleFiles;
  CycleFile(std::string path, std::shared_ptr<const uint64_t> cycle);

  std::string path_;
  // CycleFiles' current cycle; null for a reader of its own.
  std::shared_ptr<const uint64_t> cycle_;
  uint64_t read_cycle_ = 0;  // the cycle of text_/status_; cycles start at 1
  std::string text_;
  absl::Status status_;
  uint64_t reads_ = 0;
};

// The files shared by the fast sources of one collection, one CycleFile per path.
class CycleFiles {
 public:
  CycleFiles();

  // The shared reader of `path`: the same one for every caller. Called by the factories, before
  // the first cycle.
  std::shared_ptr<CycleFile> File(const std::string& path);

  // Starts a collection: every file is read again at its first Read().
  void BeginCycle() { ++*cycle_; }

 private:
  std::shared_ptr<uint64_t> cycle_;
  std::map<std::string, std::shared_ptr<CycleFile>> files_;
};

}  // namespace hostmon::agent
