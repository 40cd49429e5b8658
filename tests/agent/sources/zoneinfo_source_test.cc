// SPDX-License-Identifier: Apache-2.0
//
// The zoneinfo source and its parser over this machine's /proc/zoneinfo (tests/fixtures) and
// edge cases: per-node stats in the first zone block, protection arrays, values that are not
// integers (skipped, as node_exporter's procfs does).
#include "agent/sources/zoneinfo/zoneinfo_source.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agent/sources/zoneinfo/zoneinfo_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

size_t KeyIndex(absl::string_view key) {
  for (size_t i = 0; i < kNumZoneinfoKeys; ++i) {
    if (kZoneinfoKeys[i] == key) return i;
  }
  FAIL("no key " << key);
  return 0;
}

TEST_CASE("ParseZoneinfo: blocks, per-node stats, protection, bad values", "[agent][zoneinfo]") {
  std::vector<ZoneStats> zones;
  std::vector<std::string> names;
  REQUIRE(ParseZoneinfo("Node 0, zone      DMA\n"
                        "  per-node stats\n"
                        "      nr_inactive_anon 12345\n"
                        "  pages free     3952\n"
                        "        min      33\n"
                        "        high     0x10\n"
                        "        spanned  notanumber\n"
                        "        protection: (0, 2877, 7826)\n"
                        "      nr_free_pages 3952\n"
                        "Node 0, zone    DMA32\n"
                        "        min      44\n"
                        "        protection: (0, x)\n",
                        "zoneinfo",
                        [&](const ZoneStats& z) {
                          zones.push_back(z);
                          names.push_back(std::string(z.node) + "/" + std::string(z.zone));
                        })
              .ok());
  REQUIRE(zones.size() == 2);
  CHECK(names == std::vector<std::string>{"0/DMA", "0/DMA32"});
  const ZoneStats& dma = zones[0];
  CHECK(dma.present[KeyIndex("nr_inactive_anon")]);
  CHECK(dma.values[KeyIndex("nr_inactive_anon")] == 12345);
  CHECK(dma.values[KeyIndex("min")] == 33);
  CHECK(dma.values[KeyIndex("high")] == 16);      // base 0, as Go's ParseInt
  CHECK_FALSE(dma.present[KeyIndex("spanned")]);  // not a number: left out
  CHECK(dma.values[KeyIndex("nr_free_pages")] == 3952);
  REQUIRE(dma.protection_count == 3);
  CHECK(dma.protection[2] == 7826);
  CHECK_FALSE(zones[1].present[KeyIndex("nr_inactive_anon")]);  // per-node stats only in DMA
  CHECK(zones[1].protection_count == 0);                        // "x" is not a number
  CHECK(ParseZoneinfo("", "zoneinfo", [](const ZoneStats&) {}).message() ==
        "zoneinfo: input is empty");
}

TEST_CASE("zoneinfo source over the fixture", "[agent][zoneinfo]") {
  const common::FsRoot fs = testing::FixtureRoot();
  testing::SampleRecorder out;
  REQUIRE(MakeZoneinfoSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.Has("node_zoneinfo_min_pages{node=\"0\",zone=\"DMA\"}"));
  CHECK(out.Has("node_zoneinfo_present_pages{node=\"0\",zone=\"Normal\"}"));
  CHECK(out.Has("node_zoneinfo_protection_0{node=\"0\",zone=\"DMA32\"}"));
  CHECK(out.types["node_zoneinfo_numa_hit_total"] == kCounter);
  CHECK(out.types["node_zoneinfo_managed_pages"] == kGauge);
  CHECK(out.help["node_zoneinfo_protection_1"] == "Protection array 1. field");
}

}  // namespace
}  // namespace hostmon::agent
