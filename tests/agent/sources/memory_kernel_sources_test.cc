// SPDX-License-Identifier: Apache-2.0
//
// The buddyinfo, cgroups and slabinfo sources (off by default, as in node_exporter) over the
// fixture tree (this machine's files) and malformed input.
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "agent/sources/buddyinfo/buddyinfo_parser.h"
#include "agent/sources/buddyinfo/buddyinfo_source.h"
#include "agent/sources/cgroups/cgroups_parser.h"
#include "agent/sources/cgroups/cgroups_source.h"
#include "agent/sources/slabinfo/slabinfo_parser.h"
#include "agent/sources/slabinfo/slabinfo_source.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

using testing::SampleRecorder;

TEST_CASE("ParseBuddyinfo: counts per node, zone and order", "[agent][buddyinfo]") {
  std::vector<std::tuple<std::string, std::string, size_t, uint64_t>> got;
  const auto collect = [&](absl::string_view n, absl::string_view z, size_t o, uint64_t v) {
    got.emplace_back(std::string(n), std::string(z), o, v);
  };
  REQUIRE(ParseBuddyinfo("Node 0, zone      DMA      1      0\n"
                         "Node 1, zone   Normal   4381   1093\n",
                         "buddyinfo", collect)
              .ok());
  CHECK(got.size() == 4);
  CHECK(got[0] == std::make_tuple(std::string("0"), std::string("DMA"), size_t{0}, uint64_t{1}));
  CHECK(got[3] ==
        std::make_tuple(std::string("1"), std::string("Normal"), size_t{1}, uint64_t{1093}));
  CHECK(ParseBuddyinfo("Node 0, zone DMA 1 2\nNode 0, zone DMA32 1\n", "f", collect)
            .message()
            .find("1 orders, but the first zone has 2") != std::string::npos);
  CHECK_FALSE(ParseBuddyinfo("Node 0, zone DMA\n", "f", collect).ok());
  CHECK_FALSE(ParseBuddyinfo("garbage 0, zone DMA 1\n", "f", collect).ok());
  CHECK_FALSE(ParseBuddyinfo("Node 0, zone DMA 1 x\n", "f", collect).ok());
}

TEST_CASE("buddyinfo source over the fixture", "[agent][buddyinfo]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SampleRecorder out;
  REQUIRE(MakeBuddyinfoSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.samples.size() == 3 * 11);
  CHECK(out.Get("node_buddyinfo_blocks{node=\"0\",size=\"10\",zone=\"DMA32\"}") == 753);
  CHECK(out.Get("node_buddyinfo_blocks{node=\"0\",size=\"0\",zone=\"Normal\"}") == 30378);
}

TEST_CASE("ParseCgroups and the cgroups source", "[agent][cgroups]") {
  std::vector<std::tuple<std::string, uint64_t, uint64_t>> got;
  const auto collect = [&](absl::string_view s, uint64_t c, uint64_t e) {
    got.emplace_back(std::string(s), c, e);
  };
  REQUIRE(
      ParseCgroups("#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t5\t47\t1\nrdma\t4\t1\t0",
                   "cgroups", collect)
          .ok());
  CHECK(got == std::vector<std::tuple<std::string, uint64_t, uint64_t>>{{"cpuset", 47, 1},
                                                                        {"rdma", 1, 0}});
  CHECK(ParseCgroups("cpu 1 2\n", "f", collect).message().find("expected subsys_name") !=
        std::string::npos);
  CHECK_FALSE(ParseCgroups("cpu 1 x 1\n", "f", collect).ok());

  const common::FsRoot fs = testing::FixtureRoot();
  SampleRecorder out;
  REQUIRE(MakeCgroupsSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.Get("node_cgroups_cgroups{subsys_name=\"cpuset\"}") == 1);
  CHECK(out.Get("node_cgroups_enabled{subsys_name=\"cpuset\"}") == 1);
}

TEST_CASE("ParseSlabinfo: version check, 2.1 cache lines", "[agent][slabinfo]") {
  std::vector<std::string> names;
  int64_t dentry_objects = 0;
  const auto collect = [&](const SlabEntry& e) {
    names.emplace_back(e.name);
    if (e.name == "dentry") dentry_objects = e.objects;
  };
  REQUIRE(ParseSlabinfo("slabinfo - version: 2.1\n# name ...\n"
                        "dentry 251823 252021 192 21 1 : tunables 0 0 0 : slabdata 12001 12001 0\n",
                        "slabinfo", collect)
              .ok());
  CHECK(names == std::vector<std::string>{"dentry"});
  CHECK(dentry_objects == 252021);
  CHECK(ParseSlabinfo("slabinfo - version: 1.1\n", "f", collect)
            .message()
            .find("not slabinfo "
                  "version 2.1") != std::string::npos);
  CHECK_FALSE(ParseSlabinfo("", "f", collect).ok());
  CHECK_FALSE(ParseSlabinfo("slabinfo - version: 2.1\ndentry 1 2 3\n", "f", collect).ok());
  CHECK_FALSE(
      ParseSlabinfo("slabinfo - version: 2.1\nd 1 x 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n", "f",
                    collect)
          .ok());
}

TEST_CASE("slabinfo source over the fixture, with its filters", "[agent][slabinfo]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SampleRecorder out;
  REQUIRE(MakeSlabinfoSource(testing::TestContext("slabinfo", fs)).value()->Collect(out).ok());
  CHECK(out.samples.size() == 5 * 5);
  CHECK(out.Get("node_slabinfo_object_size_bytes{slab=\"kmalloc-8k\"}") == 8192);
  CHECK(out.Get("node_slabinfo_objects_per_slab{slab=\"TCP\"}") == 13);

  SampleRecorder kmalloc;
  REQUIRE(MakeSlabinfoSource(testing::TestContext("slabinfo", fs, {{"slabs-include", "^kmalloc"}}))
              .value()
              ->Collect(kmalloc)
              .ok());
  CHECK(kmalloc.samples.size() == 2 * 5);
  CHECK_FALSE(
      MakeSlabinfoSource(testing::TestContext("slabinfo", fs, {{"slabs-exclude", "("}})).ok());
}

}  // namespace
}  // namespace hostmon::agent
