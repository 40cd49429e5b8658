// SPDX-License-Identifier: Apache-2.0
#include "common/dir_entries.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "fakes/alloc_counter.h"
#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

TEST_CASE("ForEachDirEntry lists entries without . and ..", "[common][dir]") {
  testing::ScopedTempDir dir;
  dir.Write("a", "");
  dir.Write("sub/b", "");
  REQUIRE(::symlink("sub", dir.File("link").c_str()) == 0);
  REQUIRE(::symlink("a", dir.File("filelink").c_str()) == 0);
  std::set<std::string> all, dirs;
  REQUIRE(ForEachDirEntry(dir.path(), [&](const DirEntry& e) {
            all.emplace(e.name());
            if (e.IsDirectory()) dirs.emplace(e.name());
          }).ok());
  CHECK(all == std::set<std::string>{"a", "filelink", "link", "sub"});
  // A symlink to a directory counts as one (as /sys/class/net/<iface>).
  CHECK(dirs == std::set<std::string>{"link", "sub"});
}

TEST_CASE("ForEachDirEntry stops at the callback's first error", "[common][dir]") {
  testing::ScopedTempDir dir;
  for (const char* name : {"a", "b", "c"}) dir.Write(name, "");
  int calls = 0;
  absl::Status s = ForEachDirEntry(dir.path(), [&](const DirEntry&) {
    ++calls;
    return absl::InternalError("stop");
  });
  CHECK(s.message() == "stop");
  CHECK(calls == 1);
}

TEST_CASE("ForEachDirEntry: a missing directory is NotFound naming it", "[common][dir]") {
  testing::ScopedTempDir dir;
  absl::Status s = ForEachDirEntry(dir.File("nope"), [](const DirEntry&) {});
  CHECK(absl::IsNotFound(s));
  CHECK(std::string(s.message()).find(dir.File("nope")) != std::string::npos);
  CHECK_FALSE(ForEachDirEntry(dir.Write("file", ""), [](const DirEntry&) {}).ok());
}

TEST_CASE("ListDir sorts, and allocates nothing once warmed up", "[common][dir]") {
  testing::ScopedTempDir dir;
  for (const char* name : {"cpu10", "cpu2", "cpu1", "cpufreq"}) dir.Write(name, "");
  DirListing listing;
  REQUIRE(ListDir(dir.path(), &listing).ok());
  CHECK(listing.names == std::vector<absl::string_view>{"cpu1", "cpu10", "cpu2", "cpufreq"});
  size_t allocations;
  {
    testing::AllocationCounter counter;
    REQUIRE(ListDir(dir.path(), &listing).ok());
    allocations = counter.count();
  }
  CHECK(allocations == 0);
  CHECK(listing.names.size() == 4);
  CHECK(absl::IsNotFound(ListDir(dir.File("nope"), &listing)));
  CHECK(listing.names.empty());
}

}  // namespace
}  // namespace hostmon::common
