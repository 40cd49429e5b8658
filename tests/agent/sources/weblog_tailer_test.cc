// SPDX-License-Identifier: Apache-2.0
// The weblog tailer against real files: rotation both ways, deleted and late files, partial and
// oversized lines, bounded reads and resuming from a saved position.
#include "agent/sources/weblog/weblog_tailer.h"

#include <stdio.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "fakes/temp_dir.h"

namespace hostmon::agent::weblog {
namespace {

using testing::ScopedTempDir;

void Append(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f << text;
}

struct Reader {
  Tailer tailer;
  std::vector<std::string> lines;
  TailStats stats;
  std::string error;

  Reader(const std::string& path, size_t max_line = 1024, size_t max_read = 1 << 20,
         bool from_start = false)
      : tailer(path, max_line, max_read, from_start) {}

  // Lines of one Poll().
  std::vector<std::string> Poll() {
    std::vector<std::string> got;
    error = tailer.Poll([&](absl::string_view l) { got.emplace_back(l); }, &stats);
    lines.insert(lines.end(), got.begin(), got.end());
    return got;
  }
};

using Lines = std::vector<std::string>;

TEST_CASE("weblog tailer: a file present at the first start is tailed from its end",
          "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "old 1\nold 2\nunfinished");
  Reader r(path);
  CHECK(r.Poll().empty());
  Append(path, " line\nnew 1\nnew 2\n");
  // The unfinished line was partly written before the start: skipped, not counted as malformed.
  CHECK(r.Poll() == Lines{"new 1", "new 2"});
  CHECK(r.stats.oversized_lines == 0);

  Reader beginning(path, 1024, 1 << 20, /*from_start=*/true);
  CHECK(beginning.Poll() == Lines{"old 1", "old 2", "unfinished line", "new 1", "new 2"});
}

TEST_CASE("weblog tailer: a file that appears later is read from its beginning",
          "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.File("access.log");
  Reader r(path);
  CHECK(r.Poll().empty());
  CHECK(r.error.empty());  // a missing file is not an error
  CHECK_FALSE(r.tailer.open());
  Append(path, "a\nb\n");
  CHECK(r.Poll() == Lines{"a", "b"});
  CHECK(r.tailer.open());
  CHECK(r.stats.read_errors == 0);
}

TEST_CASE("weblog tailer: a file created while the agent was down is read whole",
          "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "while down 1\nwhile down 2\n");
  Reader r(path);
  r.tailer.RestoreMissing();  // the last run saved this log without a file
  CHECK(r.Poll() == Lines{"while down 1", "while down 2"});
}

TEST_CASE("weblog tailer: a partial last line waits for its newline", "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  Reader r(path);
  r.Poll();
  Append(path, "first\nsec");
  CHECK(r.Poll() == Lines{"first"});
  FilePosition pos;
  REQUIRE(r.tailer.position(&pos));
  CHECK(pos.offset == 6);  // the partial line is not consumed
  Append(path, "ond");
  CHECK(r.Poll().empty());
  Append(path, "\nthird\n");
  CHECK(r.Poll() == Lines{"second", "third"});
  REQUIRE(r.tailer.position(&pos));
  CHECK(pos.offset == 19);
}

TEST_CASE("weblog tailer: rename rotation finishes the old file, then reads the new one",
          "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  Reader r(path);
  r.Poll();
  Append(path, "1\n2\n");
  CHECK(r.Poll() == Lines{"1", "2"});
  // logrotate `create`: rename, the server still writes to the old file, a new file appears.
  REQUIRE(::rename(path.c_str(), (path + ".1").c_str()) == 0);
  Append(path + ".1", "3\n");
  CHECK(r.Poll() == Lines{"3"});  // renamed away, no new file yet: the old file is followed
  Append(path + ".1", "4\n");
  Append(path, "5\n");
  CHECK(r.Poll() == Lines{"4", "5"});
  CHECK(r.stats.rotations == 1);
  // The server writes a last line to the old file before it reopens: drained once more.
  Append(path + ".1", "4b\n");
  Append(path, "6\n");
  CHECK(r.Poll() == Lines{"4b", "6"});
  Append(path + ".1", "lost\n");  // after that the old file is closed
  Append(path, "7\n");
  CHECK(r.Poll() == Lines{"7"});
  CHECK(r.stats.rotations == 1);
}

TEST_CASE("weblog tailer: copytruncate restarts at 0", "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  Reader r(path);
  r.Poll();
  Append(path, "one line\nanother line\n");
  CHECK(r.Poll().size() == 2);
  REQUIRE(::truncate(path.c_str(), 0) == 0);
  Append(path, "x\n");
  CHECK(r.Poll() == Lines{"x"});
  CHECK(r.stats.rotations == 1);
}

TEST_CASE("weblog tailer: a deleted file is read to its end and closed", "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  Reader r(path);
  r.Poll();
  Append(path, "a\nno newline");
  std::ofstream keep(path, std::ios::app);  // a writer keeps it open
  REQUIRE(::unlink(path.c_str()) == 0);
  // The unfinished last line of a file that can no longer grow is handed over as it is.
  CHECK(r.Poll() == Lines{"a", "no newline"});
  CHECK_FALSE(r.tailer.open());
  CHECK(r.Poll().empty());
  Append(path, "new\n");  // a file with the same name later: a new file, read whole
  CHECK(r.Poll() == Lines{"new"});
}

TEST_CASE("weblog tailer: an oversized line is counted and skipped without buffering it",
          "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  Reader r(path, /*max_line=*/64 * 1024, /*max_read=*/size_t{1} << 30);
  r.Poll();
  Append(path, "before\n");
  {
    // 100 MB without a newline, written in pieces and read while it grows.
    const std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) {
      Append(path, chunk);
      if (i % 25 == 0) r.Poll();
      CHECK(r.tailer.buffered_bytes() <= 65 * 1024);  // the bound plus allocation rounding
    }
  }
  Append(path, "\nafter\n");
  r.Poll();
  CHECK(r.lines == Lines{"before", "after"});
  CHECK(r.stats.oversized_lines == 1);
  CHECK(r.tailer.buffered_bytes() <= 65 * 1024);  // the bound plus allocation rounding

  // Exactly the bound is fine; one byte more is oversized.
  Reader small(path, 256, 1 << 20);
  small.Poll();
  Append(path, std::string(256, 'a') + "\n" + std::string(257, 'b') + "\nok\n");
  CHECK(small.Poll() == Lines{std::string(256, 'a'), "ok"});
  CHECK(small.stats.oversized_lines == 1);
}

TEST_CASE("weblog tailer: a backlog is read max_read_bytes per poll", "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  Reader r(path, 256, 1000);
  r.Poll();
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "line " + std::to_string(i) + "\n";  // ~8.9 kB
  Append(path, text);
  int polls = 0;
  while (r.lines.size() < 1000 && polls < 100) {
    const uint64_t before = r.stats.bytes_read;
    r.Poll();
    CHECK(r.stats.bytes_read - before <= 1000);
    ++polls;
  }
  CHECK(polls >= 9);
  REQUIRE(r.lines.size() == 1000);
  CHECK(r.lines.back() == "line 999");
}

TEST_CASE("weblog tailer: resume from a saved position, no line twice or lost", "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  FilePosition saved;
  {
    Reader r(path);
    r.Poll();
    Append(path, "1\n2\npart");
    CHECK(r.Poll() == Lines{"1", "2"});
    REQUIRE(r.tailer.position(&saved));
  }
  Append(path, "ial\n3\n");
  {
    Reader r(path);
    r.tailer.Restore(saved);
    CHECK(r.Poll() == Lines{"partial", "3"});
    CHECK(r.stats.rotations == 0);
  }
  SECTION("the file was rotated while the agent was down: the new file is read whole") {
    REQUIRE(::rename(path.c_str(), (path + ".1").c_str()) == 0);
    Append(path, "new 1\n");
    Reader r(path);
    r.tailer.Restore(saved);
    CHECK(r.Poll() == Lines{"new 1"});
    CHECK(r.stats.rotations == 1);
  }
  SECTION("the file was truncated while the agent was down") {
    REQUIRE(::truncate(path.c_str(), 0) == 0);
    Append(path, "t\n");
    Reader r(path);
    r.tailer.Restore(saved);
    CHECK(r.Poll() == Lines{"t"});
    CHECK(r.stats.rotations == 1);
  }
  SECTION("a restart inside an oversized line keeps skipping it") {
    Reader r(path, 256, 1 << 20);
    r.Poll();
    Append(path, std::string(1000, 'z'));
    r.Poll();
    FilePosition mid;
    REQUIRE(r.tailer.position(&mid));
    CHECK(mid.skipping);
    Reader again(path, 256, 1 << 20);
    again.tailer.Restore(mid);
    Append(path, "zzz\nnext\n");
    CHECK(again.Poll() == Lines{"next"});
    CHECK(again.stats.oversized_lines == 0);  // counted once, before the restart
  }
}

TEST_CASE("weblog tailer: a path that is not UTF-8, and errors that name it", "[agent][weblog]") {
  ScopedTempDir dir;
  const std::string path = dir.File("caf\xe9.log");
  Append(path, "");
  Reader r(path);
  r.Poll();
  Append(path, "ok\n");
  CHECK(r.Poll() == Lines{"ok"});

  Reader directory(dir.path());
  directory.Poll();
  CHECK_THAT(directory.error, Catch::Contains("not a regular file"));
  CHECK(directory.stats.read_errors == 1);
}

}  // namespace
}  // namespace hostmon::agent::weblog
