// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/diskstats/diskstats_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

const DiskstatsLine* Find(const std::vector<DiskstatsLine>& lines, absl::string_view device) {
  for (const DiskstatsLine& line : lines) {
    if (line.device == device) return &line;
  }
  return nullptr;
}

TEST_CASE("ParseDiskstats reads the fixture", "[agent][diskstats]") {
  const std::string text = ReadFixture("proc/diskstats");
  std::vector<DiskstatsLine> lines;
  const absl::Status status = ParseDiskstats(text, &lines);
  INFO(status.ToString());
  REQUIRE(status.ok());
  REQUIRE(lines.size() == 12);

  const DiskstatsLine* vda = Find(lines, "vda");
  REQUIRE(vda != nullptr);
  CHECK(vda->major == "254");
  CHECK(vda->minor == "0");
  CHECK(vda->num_counters == 17);
  CHECK(vda->counters[0] == 28068);     // reads completed
  CHECK(vda->counters[2] == 2336122);   // sectors read
  CHECK(vda->counters[13] == 8417216);  // sectors discarded
  CHECK(vda->counters[16] == 23);       // ms flushing

  // A 4.18-era line: discards but no flush columns.
  const DiskstatsLine* sr0 = Find(lines, "sr0");
  REQUIRE(sr0 != nullptr);
  CHECK(sr0->num_counters == 15);
  CHECK(sr0->counters[9] == 32);
  // A pre-4.18 line: 11 counters.
  const DiskstatsLine* fd0 = Find(lines, "fd0");
  REQUIRE(fd0 != nullptr);
  CHECK(fd0->num_counters == 11);
  CHECK(fd0->major == "2");
}

TEST_CASE("ParseDiskstats on truncated input and missing fields", "[agent][diskstats]") {
  std::vector<DiskstatsLine> lines;
  SECTION("a line cut after ten counters") {
    const absl::Status status = ParseDiskstats("   8 0 sda 1 2 3 4 5 6 7 8 9 10", &lines);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "/proc/diskstats line 1 (\"   8 0 sda 1 2 3 4 5 6 7 8 9 10\"): expected major, minor, "
          "name and at least 11 counters, got 13 fields");
  }
  SECTION("a line with only the device") {
    CHECK(ParseDiskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n8 1\n", &lines).message() ==
          "/proc/diskstats line 2 (\"8 1\"): expected major, minor, name and at least 11 "
          "counters, got 2 fields");
  }
  SECTION("more than 17 counters: the extra ones are ignored") {
    REQUIRE(
        ParseDiskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n", &lines).ok());
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].num_counters == 17);
    CHECK(lines[0].counters[16] == 17);
  }
  SECTION("empty input: no devices") {
    REQUIRE(ParseDiskstats("", &lines).ok());
    CHECK(lines.empty());
  }
}

TEST_CASE("ParseDiskstats rejects bad numbers", "[agent][diskstats]") {
  std::vector<DiskstatsLine> lines;
  SECTION("non-numeric counter") {
    CHECK(ParseDiskstats("8 0 sda 1 2 x 4 5 6 7 8 9 10 11\n", &lines).message() ==
          "/proc/diskstats line 1 (\"8 0 sda 1 2 x 4 5 6 7 8 9 10 11\"): sectors read: not an "
          "unsigned integer: \"x\"");
  }
  SECTION("counter overflow") {
    CHECK(
        ParseDiskstats("8 0 sda 18446744073709551616 2 3 4 5 6 7 8 9 10 11\n", &lines).message() ==
        "/proc/diskstats line 1 (\"8 0 sda 18446744073709551616 2 3 4 5 6 7 8 9 10 11\"): reads "
        "completed: integer out of range: \"18446744073709551616\"");
  }
  SECTION("major beyond 32 bits") {
    CHECK(ParseDiskstats("4294967296 0 sda 1 2 3 4 5 6 7 8 9 10 11\n", &lines).message() ==
          "/proc/diskstats line 1 (\"4294967296 0 sda 1 2 3 4 5 6 7 8 9 10 11\"): major: out of "
          "32-bit range: \"4294967296\"");
  }
  SECTION("non-numeric minor") {
    CHECK(ParseDiskstats("8 a sda 1 2 3 4 5 6 7 8 9 10 11\n", &lines).message() ==
          "/proc/diskstats line 1 (\"8 a sda 1 2 3 4 5 6 7 8 9 10 11\"): minor: not an unsigned "
          "integer: \"a\"");
  }
}

TEST_CASE("ParseDiskstats reuses the vector", "[agent][diskstats]") {
  const std::string text = ReadFixture("proc/diskstats");
  std::vector<DiskstatsLine> lines;
  REQUIRE(ParseDiskstats(text, &lines).ok());
  const DiskstatsLine* const storage = lines.data();
  REQUIRE(ParseDiskstats(text, &lines).ok());
  CHECK(lines.data() == storage);
  CHECK(lines.size() == 12);
}

TEST_CASE("ParseUdevData picks the E: properties", "[agent][diskstats]") {
  const std::string text = ReadFixture("rootfs/run/udev/data/b259:0");
  UdevDiskInfo info;
  ParseUdevData(text, &info);
  CHECK(info.Get(kUdevIdModel) == "Samsung SSD 970 EVO Plus 1TB");
  CHECK(info.Get(kUdevIdSerialShort) == "S4EWNX0R123456A");
  CHECK(info.Get(kUdevIdWwn) == "eui.0025385b91b1a2c3");
  CHECK(info.Get(kUdevIdPath) == "pci-0000:01:00.0-nvme-1");
  CHECK(info.Get(kUdevIdRevision) == "2B2QEXM7");
  CHECK(info.Get(kUdevIdFsType).empty());
  CHECK_FALSE(info.Has(kUdevIdAta));

  // Reparsing clears earlier values; S: lines and values with '=' are handled.
  ParseUdevData("S:disk/by-id/ID_MODEL=x\nE:ID_FS_UUID=a=b\nE:ID_ATA=\n", &info);
  CHECK(info.Get(kUdevIdModel).empty());
  CHECK(info.Get(kUdevIdFsUuid) == "a=b");
  CHECK(info.Has(kUdevIdAta));
  CHECK(info.Get(kUdevIdAta).empty());
}

}  // namespace
}  // namespace hostmon::agent
