// SPDX-License-Identifier: Apache-2.0
#include "common/code_pages.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_replace.h"
#include "common/fs_root.h"
#include "fakes/fixtures.h"

namespace hostmon::common {
namespace {

using testing::ReadFixture;

uint64_t VmRssKb() {
  std::string status;
  REQUIRE(ReadFileTo("/proc/self/status", &status).ok());
  const size_t at = status.find("VmRSS:");
  REQUIRE(at != std::string::npos);
  return std::strtoull(status.c_str() + at + 6, nullptr, 10);
}

TEST_CASE("ParseDroppableCodeMappings keeps what only the file holds", "[common][code_pages]") {
  const std::string smaps = ReadFixture("proc/self/smaps");
  absl::StatusOr<std::vector<CodeMapping>> maps = ParseDroppableCodeMappings(smaps);
  INFO(maps.status().ToString());
  REQUIRE(maps.ok());
  // The binary's and libc's read-only and code mappings. Not: their RELRO mappings (written by
  // the relocation: Anonymous > 0), data, heap, stack, anonymous memory, [vdso] and [vvar]
  // (no file), the locale archive (no ELF object) and a deleted library.
  REQUIRE(maps->size() == 5);
  CHECK((*maps)[0].start == 0x562473c0b000);
  CHECK((*maps)[0].end == 0x562473efe000);
  CHECK((*maps)[1].start == 0x562473efe000);
  CHECK((*maps)[2].start == 0x7f83cdbfe000);
  CHECK((*maps)[3].start == 0x7f83cdc24000);
  CHECK((*maps)[4].start == 0x7f83cdd7a000);
  CHECK((*maps)[4].end == 0x7f83cddcd000);
  uint64_t rss = 0;
  for (const CodeMapping& m : *maps) rss += m.rss_kb;
  CHECK(rss > 0);
}

TEST_CASE("ParseDroppableCodeMappings drops nothing it cannot vouch for", "[common][code_pages]") {
  const std::string smaps = ReadFixture("proc/self/smaps");
  // The binary's code mapping without its Anonymous line: not known to be the file's own.
  const size_t code = smaps.find(" r-xp 002f2000 ");
  REQUIRE(code != std::string::npos);
  const size_t anon = smaps.find("Anonymous:", code);
  const std::string missing = smaps.substr(0, anon) + smaps.substr(smaps.find('\n', anon) + 1);
  absl::StatusOr<std::vector<CodeMapping>> m = ParseDroppableCodeMappings(missing);
  REQUIRE(m.ok());
  CHECK(m->size() == 4);
  for (const CodeMapping& c : *m) CHECK(c.start != 0x562473efe000);

  // Cut before the first mapping's fields are complete (a truncated read): nothing of it.
  const std::string truncated = smaps.substr(0, smaps.find("Anonymous:"));
  m = ParseDroppableCodeMappings(truncated);
  REQUIRE(m.ok());
  CHECK(m->empty());

  CHECK(ParseDroppableCodeMappings("").ok());
}

TEST_CASE("ParseDroppableCodeMappings names a line it cannot read", "[common][code_pages]") {
  const std::string smaps = ReadFixture("proc/self/smaps");
  const std::string bad_number =
      absl::StrReplaceAll(smaps, {{"Rss:                4724 kB", "Rss:                47x4 kB"}});
  REQUIRE(bad_number != smaps);
  absl::StatusOr<std::vector<CodeMapping>> m = ParseDroppableCodeMappings(bad_number);
  REQUIRE(!m.ok());
  CHECK(m.status().message().find("/proc/self/smaps line") == 0);
  CHECK(m.status().message().find("kB") != std::string::npos);

  m = ParseDroppableCodeMappings("562473c0b000-zz r--p 00000000 fe:00 5 /usr/bin/x\n");
  REQUIRE(!m.ok());
  CHECK(m.status().message().find("line 1") != std::string::npos);
  m = ParseDroppableCodeMappings("Rss: 4 kB\n");
  CHECK(!m.ok());
}

TEST_CASE("DroppableParts keeps whole pages inside clean mappings", "[common][code_pages]") {
  const std::vector<CodeMapping> clean = {{0x10000, 0x14000, 16}, {0x20000, 0x30000, 64}};
  // A segment not page-aligned at either end: only its whole pages, and only where clean.
  std::vector<CodeMapping> parts = DroppableParts({0x12800, 0x22100, 0}, clean, 0x1000);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].start == 0x13000);
  CHECK(parts[0].end == 0x14000);
  CHECK(parts[1].start == 0x20000);
  CHECK(parts[1].end == 0x22000);
  CHECK(DroppableParts({0x14000, 0x20000, 0}, clean, 0x1000).empty());  // not in a clean one
  CHECK(DroppableParts({0x10100, 0x10f00, 0}, clean, 0x1000).empty());  // no whole page
  CHECK(DroppableParts({0x20000, 0x30000, 0}, {}, 0x1000).empty());
}

// Read-only data of this test binary: a loaded object's non-writable segment, as the code and
// constants DropStartupCodePages drops. Page-aligned so that one page can be given a private copy.
alignas(4096) const char kMarker[2 * 4096] = {'a'};

TEST_CASE("DropStartupCodePages lowers the resident set and keeps private copies",
          "[common][code_pages]") {
  // Give one page of the binary's read-only data a private copy, as a debugger's breakpoint or
  // a relocation would: it must keep its new byte (its whole mapping is left alone).
  auto* page = const_cast<char*>(kMarker);
  REQUIRE(::mprotect(page, 4096, PROT_READ | PROT_WRITE) == 0);
  *static_cast<volatile char*>(page) = 'Z';
  REQUIRE(::mprotect(page, 4096, PROT_READ) == 0);

  const uint64_t before = VmRssKb();
  absl::StatusOr<uint64_t> dropped = DropStartupCodePages();
  INFO(dropped.status().ToString());
  REQUIRE(dropped.ok());
  CHECK(*dropped > 0);
  CHECK(VmRssKb() < before);
  CHECK(*static_cast<volatile const char*>(kMarker) == 'Z');
  // Dropped code runs again (mapped back from the page cache).
  std::string s = absl::StrReplaceAll("a-b", {{"-", "+"}});
  CHECK(s == "a+b");
}

}  // namespace
}  // namespace hostmon::common
