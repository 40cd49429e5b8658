// SPDX-License-Identifier: Apache-2.0
//
// Gives back the resident pages of code and constants that only the program's start used.
//
// A program's resident set counts every page of its executable and shared libraries that is
// mapped into its page tables. Starting up (flag and YAML parsing, TLS and gRPC set-up, the probing
// of every source, protobuf's descriptor pool) touches far more code than a steady collection
// cycle runs, and the kernel maps each faulted page's neighbours too (fault-around, 64 KiB). Those
// pages stay mapped for the life of the process although nothing runs them again: on Debian 12
// the agent's RSS was 14.5 MB after start, of which 5 MB its own code. Unmapping them
// (madvise(MADV_DONTNEED)) costs nothing: the pages stay in the page cache, and the next cycle maps
// back, with a minor fault, exactly what it runs. RSS then counts what the agent uses (6.7 MB).
//
// Only pages that are the file's own may be dropped: MADV_DONTNEED on a private mapping discards
// a private copy (a page written since mapping: relocations in RELRO, a debugger's breakpoint) and
// the next touch would read the file's bytes instead. So only read-only mappings (r-xp, r--p) of an
// ELF object (a file that also has an executable mapping: the binary or a shared library) with no
// anonymous page at all (smaps "Anonymous:" and "Swap:" both 0) are dropped. Such a mapping cannot
// gain a private page afterwards except through ptrace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hostmon::common {

struct CodeMapping {
  uintptr_t start = 0;
  uintptr_t end = 0;
  uint64_t rss_kb = 0;  // resident when smaps was read
};

// The mappings of /proc/<pid>/smaps (fs/proc/task_mmu.c: a header line "start-end perms offset
// dev inode [path]", then "Field: value kB" lines) whose pages may be dropped, as described above.
// InvalidArgument naming the line for a header line that does not parse, or for a value of Rss,
// Anonymous or Swap that is not a number; a mapping that lacks one of them is not returned.
absl::StatusOr<std::vector<CodeMapping>> ParseDroppableCodeMappings(absl::string_view smaps);

// Reads /proc/self/smaps and drops the pages of the mappings above. Returns the kB that were
// resident in them (the next touches map back what is used). Call it once the start is over.
absl::StatusOr<uint64_t> DropStartupCodePages();

}  // namespace hostmon::common
