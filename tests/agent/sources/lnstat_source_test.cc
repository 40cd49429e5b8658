// SPDX-License-Identifier: Apache-2.0
//
// The lnstat source and its parser: the fixture's /proc/net/stat tables (this machine's
// nf_conntrack and arp_cache) and malformed tables.
#include "agent/sources/lnstat/lnstat_source.h"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "agent/sources/lnstat/lnstat_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseLnstat: hex counters per field and CPU row", "[agent][lnstat]") {
  std::vector<std::tuple<std::string, size_t, uint64_t>> got;
  const auto collect = [&](absl::string_view f, size_t cpu, uint64_t v) {
    got.emplace_back(std::string(f), cpu, v);
  };
  REQUIRE(
      ParseLnstat("entries  allocs\n00000014  00000001\n00000014  0000000d\n", "arp_cache", collect)
          .ok());
  CHECK(got == std::vector<std::tuple<std::string, size_t, uint64_t>>{
                   {"entries", 0, 20}, {"allocs", 0, 1}, {"entries", 1, 20}, {"allocs", 1, 13}});
  CHECK(ParseLnstat("", "t", collect).message() == "t: input is empty");
  CHECK(ParseLnstat("a b\n1 2 3\n", "t", collect).message().find("3 counters for 2 field names") !=
        std::string::npos);
  CHECK(ParseLnstat("a b\n1 zz\n", "t", collect).message().find("b: not a hexadecimal counter") !=
        std::string::npos);
}

TEST_CASE("lnstat source exports every table of the fixture", "[agent][lnstat]") {
  const common::FsRoot fs = testing::FixtureRoot();
  testing::SampleRecorder out;
  REQUIRE(MakeLnstatSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.Has("node_lnstat_entries_total{cpu=\"0\",subsystem=\"nf_conntrack\"}"));
  CHECK(out.Has("node_lnstat_allocs_total{cpu=\"1\",subsystem=\"arp_cache\"}"));
  CHECK(out.types["node_lnstat_allocs_total"] == kCounter);
  CHECK(out.help["node_lnstat_allocs_total"] == "linux network cache stats");
}

TEST_CASE("lnstat source skips names that are no metric name, fails on a bad table",
          "[agent][lnstat]") {
  testing::ScopedTempDir dir;
  dir.Write("proc/net/stat/t", "ok bad-name\n00000001 00000002\n");
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  SourcePtr source = MakeLnstatSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.samples.size() == 1);
  CHECK(out.Get("node_lnstat_ok_total{cpu=\"0\",subsystem=\"t\"}") == 1);
  dir.Write("proc/net/stat/t", "ok\nxyz\n");
  CHECK(source->Collect(out).message().find("net/stat/t") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent
