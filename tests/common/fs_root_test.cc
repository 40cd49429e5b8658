// SPDX-License-Identifier: Apache-2.0
#include "common/fs_root.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "common/bounded_read.h"
#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

TEST_CASE("FsRoot defaults to the host's /proc, /sys and /", "[common][fs_root]") {
  FsRoot fs;
  CHECK(fs.procfs() == "/proc");
  CHECK(fs.sysfs() == "/sys");
  CHECK(fs.rootfs() == "/");
  CHECK(fs.Proc("meminfo") == "/proc/meminfo");
  CHECK(fs.Sys("class/net") == "/sys/class/net");
  CHECK(fs.Root("etc/os-release") == "/etc/os-release");
}

TEST_CASE("FsRoot joins roots with and without a trailing slash", "[common][fs_root]") {
  FsRoot plain("/host/proc", "/host/sys", "/host");
  CHECK(plain.Proc("stat") == "/host/proc/stat");
  CHECK(plain.Sys("block") == "/host/sys/block");
  CHECK(plain.Root("etc/hostname") == "/host/etc/hostname");

  FsRoot slash("/host/proc/", "/host/sys/", "/host/");
  CHECK(slash.Proc("stat") == "/host/proc/stat");
  CHECK(slash.Sys("block") == "/host/sys/block");
  CHECK(slash.Root("etc/hostname") == "/host/etc/hostname");
  CHECK(slash.procfs() == "/host/proc/");  // the root itself is kept as given
}

TEST_CASE("FsRoot strips leading slashes from the relative part", "[common][fs_root]") {
  FsRoot fs("/host/proc", "/host/sys/", "/");
  CHECK(fs.Proc("/stat") == "/host/proc/stat");
  CHECK(fs.Sys("//block") == "/host/sys/block");
  CHECK(fs.Root("/etc") == "/etc");
}

TEST_CASE("FsRoot handles relative and empty roots and an empty relative part",
          "[common][fs_root]") {
  FsRoot fs("fixtures/proc", "", "/");
  CHECK(fs.Proc("meminfo") == "fixtures/proc/meminfo");
  CHECK(fs.Sys("x") == "/x");
  CHECK(fs.Proc("") == "fixtures/proc/");
}

TEST_CASE("ReadFileTo reads a small file exactly", "[common][fs_root]") {
  testing::ScopedTempDir dir;
  std::string p = dir.Write("small", "MemTotal: 1 kB\nMemFree: 2 kB\n");
  std::string out = "previous content";
  REQUIRE(ReadFileTo(p, &out).ok());
  CHECK(out == "MemTotal: 1 kB\nMemFree: 2 kB\n");
}

TEST_CASE("ReadFileTo reads an empty file as empty", "[common][fs_root]") {
  testing::ScopedTempDir dir;
  std::string p = dir.Write("empty", "");
  std::string out = "previous content";
  REQUIRE(ReadFileTo(p, &out).ok());
  CHECK(out.empty());
}

TEST_CASE("ReadFileTo reads a file larger than 64 KiB completely", "[common][fs_root]") {
  testing::ScopedTempDir dir;
  std::string content;
  // Non-repeating at power-of-two boundaries so a dropped or repeated chunk shows up.
  for (int i = 0; content.size() < 300 * 1024 + 17; ++i) {
    content +=
        "line " + std::to_string(i) + " " + std::string(static_cast<size_t>(i % 13), 'x') + "\n";
  }
  content.push_back('\0');
  content += "tail after a NUL byte";
  REQUIRE(content.size() > 64 * 1024);
  std::string p = dir.Write("big", content);
  std::string out;
  REQUIRE(ReadFileTo(p, &out).ok());
  REQUIRE(out.size() == content.size());
  CHECK(out == content);

  SECTION("a second read into the same string reuses it and gives the same text") {
    REQUIRE(ReadFileTo(p, &out).ok());
    CHECK(out == content);
  }
  SECTION("a smaller file read after the big one is not padded with old data") {
    std::string small = dir.Write("small", "abc");
    REQUIRE(ReadFileTo(small, &out).ok());
    CHECK(out == "abc");
  }
}

TEST_CASE("ReadFileTo reads files whose stat size is 0", "[common][fs_root]") {
  // procfs files report size 0 but have content.
  std::string out;
  REQUIRE(ReadFileTo("/proc/self/status", &out).ok());
  CHECK_THAT(out, Catch::Contains("Name:"));
}

TEST_CASE("ReadFileTo reports a missing file as NotFound naming the path", "[common][fs_root]") {
  testing::ScopedTempDir dir;
  std::string p = dir.File("does-not-exist");
  std::string out;
  absl::Status s = ReadFileTo(p, &out);
  CHECK(s.code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(s.message()), Catch::Contains(p));
}

TEST_CASE("ReadFileTo reports other failures as Unavailable naming the path", "[common][fs_root]") {
  testing::ScopedTempDir dir;
  std::string out;
  SECTION("a directory") {
    absl::Status s = ReadFileTo(dir.path(), &out);
    CHECK(s.code() == absl::StatusCode::kUnavailable);
    CHECK_THAT(std::string(s.message()), Catch::Contains(dir.path()));
  }
  SECTION("a path through a regular file") {
    std::string f = dir.Write("file", "x");
    absl::Status s = ReadFileTo(f + "/child", &out);
    CHECK(s.code() == absl::StatusCode::kUnavailable);  // ENOTDIR, not ENOENT
    CHECK_THAT(std::string(s.message()), Catch::Contains(f + "/child"));
  }
}

TEST_CASE("ReadFileTo refuses what is not a regular file, without blocking or reading",
          "[common][fs_root]") {
  testing::ScopedTempDir dir;
  std::string out = "stale";
  SECTION("a FIFO without a writer: the open does not block") {
    const std::string fifo = dir.File("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    absl::Status s = ReadFileTo(fifo, &out);
    CHECK(s.code() == absl::StatusCode::kUnavailable);
    CHECK(std::string(s.message()) == fifo + ": not a regular file (FIFO), not read");
  }
  SECTION("a symlink to /dev/zero: the target is checked") {
    const std::string link = dir.File("zero");
    REQUIRE(::symlink("/dev/zero", link.c_str()) == 0);
    absl::Status s = ReadFileTo(link, &out);
    CHECK(s.code() == absl::StatusCode::kUnavailable);
    CHECK(std::string(s.message()) == link + ": not a regular file (character device), not read");
  }
  SECTION("a symlink to a regular file is followed") {
    dir.Write("real", "content\n");
    const std::string link = dir.File("link");
    REQUIRE(::symlink(dir.File("real").c_str(), link.c_str()) == 0);
    REQUIRE(ReadFileTo(link, &out).ok());
    CHECK(out == "content\n");
    return;
  }
  CHECK(out.empty());
}

TEST_CASE("ReadFileTo reads at most max_bytes", "[common][fs_root]") {
  testing::ScopedTempDir dir;
  const std::string big(100000, 'x');
  const std::string p = dir.Write("big", big);
  std::string out;
  REQUIRE(ReadFileTo(p, &out, big.size()).ok());  // exactly the cap: read
  CHECK(out == big);
  absl::Status s = ReadFileTo(p, &out, big.size() - 1);
  CHECK(s.code() == absl::StatusCode::kResourceExhausted);
  CHECK(std::string(s.message()) == p + ": larger than 99999 bytes, not read");
  CHECK(out.empty());
  s = ReadFileTo(p, &out, 10);
  CHECK(s.code() == absl::StatusCode::kResourceExhausted);
  CHECK(kDefaultMaxFileBytes >= (size_t{64} << 20));
}

}  // namespace
}  // namespace hostmon::common
