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
// back, with a minor fault, exactly what it runs. RSS then counts what the agent uses (about 6 MB).
//
// Only pages that are the file's own may be dropped: MADV_DONTNEED on a private mapping discards
// a private copy (a page written since mapping: relocations in RELRO, a debugger's breakpoint) and
// the next touch would read the file's bytes instead. Two sources must agree on a page:
//  - the dynamic linker's list of loaded objects (dl_iterate_phdr): the object's PT_LOAD segments
//    without write permission (never written by the loader: RELRO lies in a writable segment),
//    only whole pages inside them, and no object with text relocations. The list is walked under
//    the loader's lock, so no dlopen or dlclose maps or unmaps an object meanwhile;
//  - /proc/self/smaps: the page's mapping holds no private page (Anonymous, Swap and
//    Private_Hugetlb all 0). A read-only segment can still gain one, through mprotect() and a
//    write, ptrace or a uprobe; such a mapping is left alone.
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
// dev inode [path]", then "Field: value kB" lines) that hold only the file's own pages: read-only
// (r-xp, r--p) private mappings of a file that also has an executable mapping (an ELF object),
// not deleted, with Anonymous, Swap and (where the kernel has it) Private_Hugetlb 0.
// InvalidArgument naming the line for a header line that does not parse, or for a value of one
// of those fields that is not a number; a mapping that lacks Rss, Anonymous or Swap is not
// returned.
absl::StatusOr<std::vector<CodeMapping>> ParseDroppableCodeMappings(absl::string_view smaps);

// The parts of `segment` ([start, end), any alignment) that lie in whole pages of `page_size`
// inside one of `mappings` (sorted by start, not overlapping), in address order.
std::vector<CodeMapping> DroppableParts(CodeMapping segment,
                                        const std::vector<CodeMapping>& mappings, size_t page_size);

// Drops the pages described above for every loaded object. Returns the kB of address space
// advised (the next touches map back what is used). Call it once the start is over.
absl::StatusOr<uint64_t> DropStartupCodePages();

}  // namespace hostmon::common
