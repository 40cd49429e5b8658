// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filesystem/filesystem_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseMounts reads the fixture mount table", "[agent][filesystem]") {
  const std::string text = ReadFixture("proc/1/mounts");
  std::vector<MountEntry> mounts;
  const absl::Status status = ParseMounts(text, &mounts);
  INFO(status.ToString());
  REQUIRE(status.ok());
  REQUIRE(mounts.size() == 16);
  CHECK(mounts[0].device == "proc");
  CHECK(mounts[0].mount_point == "/proc");
  CHECK(mounts[5].device == "/dev/vda");
  CHECK(mounts[5].mount_point == "/");
  CHECK(mounts[5].fs_type == "ext4");
  CHECK(mounts[5].options == "rw,relatime,discard,resv_strict,resuid=65534,resgid=65534");
  CHECK(mounts[8].device == "/dev/vda2");
  CHECK(mounts[8].options == "ro,relatime");
  // "\040" is decoded to a space, as node_exporter does.
  CHECK(mounts[9].mount_point == "/mnt/backup disk");
  CHECK(mounts[10].device == "fileserver:/export");
  CHECK(mounts[10].fs_type == "nfs4");
}

TEST_CASE("ParseMounts decodes only the octal escapes of space and tab", "[agent][filesystem]") {
  std::vector<MountEntry> mounts;
  REQUIRE(ParseMounts("a /x\\040y\\011z\\134w t o 0 0\n", &mounts).ok());
  REQUIRE(mounts.size() == 1);
  CHECK(mounts[0].mount_point == "/x y\tz\\134w");
}

TEST_CASE("ParseMounts on truncated input and missing fields", "[agent][filesystem]") {
  std::vector<MountEntry> mounts;
  SECTION("cut after the fs type: fewer than four fields") {
    const absl::Status status = ParseMounts("proc /proc proc rw 0 0\nsysfs /sys sysfs", &mounts);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "mounts line 2 (\"sysfs /sys sysfs\"): expected at least 4 fields, got 3");
  }
  SECTION("a line with only a device") {
    CHECK(ParseMounts("proc\n", &mounts).message() ==
          "mounts line 1 (\"proc\"): expected at least 4 fields, got 1");
  }
  SECTION("dump and pass are optional, as node_exporter reads only four fields") {
    REQUIRE(ParseMounts("proc /proc proc rw\n", &mounts).ok());
    REQUIRE(mounts.size() == 1);
    CHECK(mounts[0].options == "rw");
  }
  SECTION("empty input is an empty table") {
    REQUIRE(ParseMounts("", &mounts).ok());
    CHECK(mounts.empty());
  }
}

TEST_CASE("ParseMounts reuses its elements", "[agent][filesystem]") {
  const std::string text = ReadFixture("proc/1/mounts");
  std::vector<MountEntry> mounts;
  REQUIRE(ParseMounts(text, &mounts).ok());
  const MountEntry* const storage = mounts.data();
  REQUIRE(ParseMounts("a /b c d\n", &mounts).ok());
  REQUIRE(mounts.size() == 1);
  CHECK(mounts[0].mount_point == "/b");
  REQUIRE(ParseMounts(text, &mounts).ok());
  CHECK(mounts.data() == storage);
  CHECK(mounts.size() == 16);
}

TEST_CASE("MountIsReadOnly matches the whole ro option", "[agent][filesystem]") {
  CHECK(MountIsReadOnly("ro"));
  CHECK(MountIsReadOnly("nosuid,ro,relatime"));
  CHECK_FALSE(MountIsReadOnly("rw,relatime"));
  CHECK_FALSE(MountIsReadOnly("errors=remount-ro"));
  CHECK_FALSE(MountIsReadOnly("rox"));
  CHECK_FALSE(MountIsReadOnly(""));
}

}  // namespace
}  // namespace hostmon::agent
