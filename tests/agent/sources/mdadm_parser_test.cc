// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mdadm/mdadm_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

const MdDevice* Find(const std::vector<MdDevice>& devices, absl::string_view name) {
  for (const MdDevice& d : devices) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

absl::Status Parse(absl::string_view text, std::vector<MdDevice>* out) {
  std::vector<absl::string_view> lines;
  return ParseMdstat(text, &lines, out);
}

TEST_CASE("ParseMdstat reads the fixture", "[agent][mdadm]") {
  const std::string text = ReadFixture("proc/mdstat");
  std::vector<MdDevice> devices;
  const absl::Status status = Parse(text, &devices);
  INFO(status.ToString());
  REQUIRE(status.ok());
  REQUIRE(devices.size() == 14);

  const MdDevice* md3 = Find(devices, "md3");
  REQUIRE(md3 != nullptr);
  CHECK(md3->state == "active");
  CHECK(md3->disks_total == 8);
  CHECK(md3->disks_active == 8);
  CHECK(md3->blocks_total == 5853468288);
  CHECK(md3->blocks_synced == 5853468288);

  const MdDevice* md6 = Find(devices, "md6");
  REQUIRE(md6 != nullptr);
  CHECK(md6->state == "recovering");
  CHECK(md6->disks_total == 2);
  CHECK(md6->disks_active == 1);
  CHECK(md6->disks_failed == 1);
  CHECK(md6->disks_spare == 1);
  CHECK(md6->blocks_synced == 16775552);

  // Bitmap line skipped: the line after it is blank, so no sync.
  const MdDevice* md7 = Find(devices, "md7");
  REQUIRE(md7 != nullptr);
  CHECK(md7->state == "active");
  CHECK(md7->disks_active == 3);
  CHECK(md7->blocks_synced == 7813735424);

  const MdDevice* md9 = Find(devices, "md9");
  REQUIRE(md9 != nullptr);
  CHECK(md9->state == "resyncing");
  CHECK(md9->blocks_synced == 0);  // resync=DELAYED
  CHECK(md9->disks_failed == 2);

  const MdDevice* md10 = Find(devices, "md10");
  REQUIRE(md10 != nullptr);
  CHECK(md10->disks_total == 2);  // raid0: members counted by '['
  CHECK(md10->disks_active == 2);

  CHECK(Find(devices, "md101")->state == "active");    // "active (read-only)"
  CHECK(Find(devices, "md11")->state == "resyncing");  // auto-read-only, resync=PENDING
  CHECK(Find(devices, "md11")->blocks_synced == 0);
  CHECK(Find(devices, "md201")->state == "checking");
  CHECK(Find(devices, "md201")->blocks_synced == 114176);
  CHECK(Find(devices, "md4")->state == "inactive");
  CHECK(Find(devices, "md4")->disks_total == 0);
  CHECK(Find(devices, "md219")->disks_spare == 3);
}

TEST_CASE("ParseMdstat on truncated input and missing fields", "[agent][mdadm]") {
  const std::string fixture = ReadFixture("proc/mdstat");
  std::vector<MdDevice> devices;
  SECTION("cut after a device header") {
    const std::string text =
        fixture.substr(0, fixture.find("md127 : active raid1 sdi2[0] sdj2[1]\n") + 37);
    CHECK(Parse(text, &devices).message() ==
          "/proc/mdstat device md127: too few lines (file cut short?)");
  }
  SECTION("a header with two fields") {
    CHECK(Parse("md0 :\n   1 blocks [1/1] [U]\n\n\n", &devices).message() ==
          "/proc/mdstat line 1 (\"md0 :\"): expected \"<name> : <state> ...\", got 2 fields");
  }
  SECTION("a status line without [n/m] [U]") {
    CHECK(
        Parse("md0 : active raid1 sda[0]\n      100 blocks super 1.2\n\n\n", &devices).message() ==
        "/proc/mdstat device md0: no \"[n/m] [U_]\" in status line \"100 blocks super 1.2\"");
  }
  SECTION("a sync line without (done/total)") {
    CHECK(Parse("md0 : active raid1 sda[0]\n  100 blocks [1/1] [U]\n  [=>..]  recovery = 8.5%\n\n",
                &devices)
              .message() ==
          "/proc/mdstat device md0: no \"(done/total)\" in sync line \"[=>..]  recovery = 8.5%\"");
  }
  SECTION("empty input: no devices") {
    REQUIRE(Parse("", &devices).ok());
    CHECK(devices.empty());
  }
}

TEST_CASE("ParseMdstat rejects bad numbers", "[agent][mdadm]") {
  std::vector<MdDevice> devices;
  SECTION("non-numeric block count") {
    CHECK(Parse("md0 : active raid1 sda[0]\n  x blocks [1/1] [U]\n\n\n", &devices).message() ==
          "/proc/mdstat device md0: blocks: not an integer: \"x\"");
  }
  SECTION("block count overflow") {
    CHECK(
        Parse("md0 : active raid0 sda[0]\n  9223372036854775808 blocks 64k chunks\n\n\n", &devices)
            .message() ==
        "/proc/mdstat device md0: blocks: not an integer: \"9223372036854775808\"");
  }
  SECTION("disk count overflow") {
    CHECK(
        Parse("md0 : active raid1 sda[0]\n  1 blocks [99999999999999999999/1] [U]\n\n\n", &devices)
            .message() ==
        "/proc/mdstat device md0: total disks: not an integer: "
        "\"99999999999999999999\"");
  }
}

TEST_CASE("md sysfs attributes as procfs' Mdraids reads them", "[agent][mdadm]") {
  CHECK(MdLevelHasRaidDisks("raid1"));
  CHECK(MdLevelHasRaidDisks("raid0"));
  CHECK(MdLevelHasRaidDisks("linear"));
  CHECK_FALSE(MdLevelHasRaidDisks(""));
  CHECK_FALSE(MdLevelHasRaidDisks("container"));
  CHECK_FALSE(MdLevelHasRaidDisks("imsm"));
  CHECK_FALSE(MdLevelHasRaidDisks("ddf"));
  for (const char* level : {"raid1", "raid4", "raid5", "raid6", "raid10"}) {
    INFO(level);
    CHECK(MdLevelHasDegraded(level));
  }
  CHECK_FALSE(MdLevelHasDegraded("raid0"));
  CHECK_FALSE(MdLevelHasDegraded("linear"));
  uint64_t n = 0;
  REQUIRE(ParseMdRaidDisks("4\n", &n));
  CHECK(n == 4);
  REQUIRE(ParseMdRaidDisks("11 (10)\n", &n));  // reshape: current count first
  CHECK(n == 11);
  CHECK_FALSE(ParseMdRaidDisks("", &n));
  CHECK_FALSE(ParseMdRaidDisks("\n", &n));
  CHECK_FALSE(ParseMdRaidDisks("four\n", &n));
  CHECK_FALSE(ParseMdRaidDisks("-1\n", &n));
  CHECK_FALSE(ParseMdRaidDisks("x (10)\n", &n));
  CHECK_FALSE(ParseMdRaidDisks("99999999999999999999\n", &n));  // overflows 64 bits
}

}  // namespace
}  // namespace hostmon::agent
