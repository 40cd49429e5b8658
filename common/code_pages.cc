// SPDX-License-Identifier: Apache-2.0
#include "common/code_pages.h"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/bounded_read.h"
#include "common/text_parse.h"

namespace hostmon::common {
namespace {

constexpr absl::string_view kSmaps = "/proc/self/smaps";
// smaps is about 1 kB per mapping; a process with a hundred thousand mappings is not the agent.
constexpr size_t kMaxSmapsBytes = size_t{64} << 20;

struct Mapping {
  uintptr_t start = 0;
  uintptr_t end = 0;
  absl::string_view perms;
  std::pair<absl::string_view, uint64_t> file;  // (device, inode)
  absl::string_view path;
  // -1: the field was not seen.
  int64_t rss_kb = -1;
  int64_t anonymous_kb = -1;
  int64_t swap_kb = -1;
  int64_t private_hugetlb_kb = 0;  // absent before Linux 4.4: none
};

// "55d0c8a00000-55d0c8b00000 r-xp 00001000 08:01 1234567     /usr/bin/hostmon-agent"; the path
// may be absent (anonymous memory), a pseudo-path ("[heap]") or end in " (deleted)".
bool ParseHeader(absl::string_view line, Mapping* m) {
  absl::string_view rest = line;
  const absl::string_view range = NextField(&rest);
  const absl::string_view perms = NextField(&rest);
  const absl::string_view offset = NextField(&rest);
  const absl::string_view dev = NextField(&rest);
  const absl::string_view inode = NextField(&rest);
  const size_t dash = range.find('-');
  uint64_t start = 0, end = 0, off = 0, ino = 0;
  if (dash == absl::string_view::npos || !ParseHexUint64(range.substr(0, dash), &start) ||
      !ParseHexUint64(range.substr(dash + 1), &end) || start > end || perms.size() != 4 ||
      !ParseHexUint64(offset, &off) || dev.find(':') == absl::string_view::npos ||
      !ParseUint64(inode, "inode", &ino).ok()) {
    return false;
  }
  m->start = static_cast<uintptr_t>(start);
  m->end = static_cast<uintptr_t>(end);
  m->perms = perms;
  m->file = {dev, ino};
  m->path = absl::StripLeadingAsciiWhitespace(rest);
  return true;
}

bool IsHeader(absl::string_view line) {
  // Field lines start with "Name:"; header lines with a hexadecimal address range.
  const size_t space = line.find(' ');
  const absl::string_view first = line.substr(0, space);
  return !first.empty() && first.back() != ':' && first.find('-') != absl::string_view::npos;
}

}  // namespace

absl::StatusOr<std::vector<CodeMapping>> ParseDroppableCodeMappings(absl::string_view smaps) {
  std::vector<Mapping> maps;
  absl::string_view line;
  size_t line_no = 0;
  while (NextLine(&smaps, &line)) {
    ++line_no;
    if (line.empty()) continue;
    if (IsHeader(line)) {
      Mapping m;
      if (!ParseHeader(line, &m)) {
        return LineError(kSmaps, line_no, line, "expected \"start-end perms offset dev inode\"");
      }
      maps.push_back(m);
      continue;
    }
    if (maps.empty()) {
      return LineError(kSmaps, line_no, line, "a field before the first mapping");
    }
    int64_t* field = nullptr;
    if (absl::StartsWith(line, "Rss:")) {
      field = &maps.back().rss_kb;
    } else if (absl::StartsWith(line, "Anonymous:")) {
      field = &maps.back().anonymous_kb;
    } else if (absl::StartsWith(line, "Swap:")) {
      field = &maps.back().swap_kb;
    } else if (absl::StartsWith(line, "Private_Hugetlb:")) {
      field = &maps.back().private_hugetlb_kb;
    } else {
      continue;
    }
    absl::string_view rest = line;
    NextField(&rest);  // the name
    uint64_t kb = 0;
    absl::Status s = ParseUint64(NextField(&rest), "kB", &kb);
    if (!s.ok() || kb > (uint64_t{1} << 52)) {
      return LineError(kSmaps, line_no, line, "expected a size in kB");
    }
    *field = static_cast<int64_t>(kb);
  }

  // ELF objects: files with an executable mapping.
  absl::flat_hash_set<std::pair<absl::string_view, uint64_t>> code_files;
  for (const Mapping& m : maps) {
    if (m.perms == "r-xp" && m.file.second != 0) code_files.insert(m.file);
  }
  std::vector<CodeMapping> out;
  for (const Mapping& m : maps) {
    if (m.perms != "r-xp" && m.perms != "r--p") continue;
    if (m.file.second == 0 || !absl::StartsWith(m.path, "/") ||
        absl::EndsWith(m.path, " (deleted)") || !code_files.contains(m.file)) {
      continue;
    }
    if (m.anonymous_kb != 0 || m.swap_kb != 0 || m.private_hugetlb_kb != 0 || m.rss_kb < 0) {
      continue;
    }
    out.push_back(CodeMapping{m.start, m.end, static_cast<uint64_t>(m.rss_kb)});
  }
  return out;
}

std::vector<CodeMapping> DroppableParts(CodeMapping segment,
                                        const std::vector<CodeMapping>& mappings,
                                        size_t page_size) {
  std::vector<CodeMapping> out;
  // Whole pages only: a page the segment shares with its neighbour may be the neighbour's
  // (a writable segment mapped over it).
  const uintptr_t start = (segment.start + page_size - 1) / page_size * page_size;
  const uintptr_t end = segment.end / page_size * page_size;
  if (start >= end) return out;
  for (const CodeMapping& m : mappings) {
    const uintptr_t a = std::max(start, m.start);
    const uintptr_t b = std::min(end, m.end);
    if (a < b) out.push_back(CodeMapping{a, b, 0});
  }
  return out;
}

namespace {

// Whether a loaded object has text relocations (the loader wrote into its code).
bool HasTextRelocations(const dl_phdr_info* info) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_DYNAMIC) continue;
    for (auto* d = reinterpret_cast<const ElfW(Dyn)*>(info->dlpi_addr + ph.p_vaddr);
         d->d_tag != DT_NULL; ++d) {
      if (d->d_tag == DT_TEXTREL) return true;
      if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL) != 0) return true;
    }
  }
  return false;
}

struct DropState {
  const std::vector<CodeMapping>* mappings;
  size_t page_size;
  uint64_t bytes = 0;
};

// Called by dl_iterate_phdr under the loader's lock, for one loaded object.
int DropObject(dl_phdr_info* info, size_t, void* arg) {
  auto* state = static_cast<DropState*>(arg);
  if (HasTextRelocations(info)) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0) continue;
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    for (const CodeMapping& part :
         DroppableParts({start, start + ph.p_memsz, 0}, *state->mappings, state->page_size)) {
      // EINVAL for a locked mapping: its pages stay, which is what locking asked for.
      if (::madvise(reinterpret_cast<void*>(part.start), part.end - part.start, MADV_DONTNEED) ==
          0) {
        state->bytes += part.end - part.start;
      }
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<uint64_t> DropStartupCodePages() {
  // Read directly, not through KeptFiles: read once, it should not stay open.
  int fd = -1;
  const std::string path(kSmaps);
  if (absl::Status s = internal::OpenRegularFile(path, &fd); !s.ok()) return s;
  std::string text;
  absl::Status s = internal::ReadOpenFile(fd, path, &text, kMaxSmapsBytes, /*from_start=*/false);
  ::close(fd);
  if (!s.ok()) return s;
  absl::StatusOr<std::vector<CodeMapping>> maps = ParseDroppableCodeMappings(text);
  if (!maps.ok()) return maps.status();
  const long page = ::sysconf(_SC_PAGESIZE);
  DropState state{&*maps, page > 0 ? static_cast<size_t>(page) : 4096};
  ::dl_iterate_phdr(&DropObject, &state);
  return state.bytes / 1024;
}

}  // namespace hostmon::common
