// SPDX-License-Identifier: Apache-2.0
//
// The meminfo_numa source and its parsers over this machine's node0 files (tests/fixtures) and
// malformed lines.
#include "agent/sources/meminfo_numa/meminfo_numa_source.h"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "agent/sources/meminfo_numa/meminfo_numa_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseNodeMeminfo: kB to bytes, unitless counts, errors", "[agent][meminfo_numa]") {
  std::vector<std::tuple<std::string, std::string, double>> got;
  const auto collect = [&](absl::string_view n, absl::string_view f, double v) {
    got.emplace_back(std::string(n), std::string(f), v);
  };
  REQUIRE(ParseNodeMeminfo("Node 0 MemTotal:       16 kB\nNode 0 Active(anon):   2 kB\n"
                           "Node 0 HugePages_Total:     3\n",
                           "meminfo", collect)
              .ok());
  CHECK(got ==
        std::vector<std::tuple<std::string, std::string, double>>{
            {"0", "MemTotal", 16384}, {"0", "Active(anon)", 2048}, {"0", "HugePages_Total", 3}});
  CHECK_FALSE(ParseNodeMeminfo("Node 0 MemTotal:\n", "f", collect).ok());
  CHECK_FALSE(ParseNodeMeminfo("Node 0 MemTotal: 1 MB\n", "f", collect).ok());
  CHECK_FALSE(ParseNodeMeminfo("Cpu 0 MemTotal: 1 kB\n", "f", collect).ok());
  CHECK_FALSE(ParseNodeMeminfo("Node 0 MemTotal: x kB\n", "f", collect).ok());
}

TEST_CASE("ParseNodeNumastat", "[agent][meminfo_numa]") {
  std::vector<std::pair<std::string, double>> got;
  REQUIRE(ParseNodeNumastat("numa_hit 5\nnuma_miss 0\n", "numastat",
                            [&](absl::string_view f, double v) { got.emplace_back(f, v); })
              .ok());
  CHECK(got == std::vector<std::pair<std::string, double>>{{"numa_hit", 5}, {"numa_miss", 0}});
  CHECK(ParseNodeNumastat("numa_hit\n", "f", [](absl::string_view, double) {})
            .message()
            .find("expected 2 fields") != std::string::npos);
}

TEST_CASE("meminfo_numa source over the fixture", "[agent][meminfo_numa]") {
  const common::FsRoot fs = testing::FixtureRoot();
  testing::SampleRecorder out;
  REQUIRE(MakeMeminfoNumaSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.Get("node_memory_numa_MemTotal{node=\"0\"}") > 0);
  CHECK(out.Has("node_memory_numa_Active_anon{node=\"0\"}"));
  CHECK(out.Has("node_memory_numa_numa_hit_total{node=\"0\"}"));
  CHECK(out.types["node_memory_numa_numa_hit_total"] == kCounter);
  CHECK(out.help["node_memory_numa_Active_anon"] == "Memory information field Active_anon.");
}

TEST_CASE("meminfo_numa source: a node without numastat fails naming it", "[agent][meminfo_numa]") {
  testing::ScopedTempDir dir;
  dir.Write("sys/devices/system/node/node1/meminfo", "Node 1 MemTotal: 1 kB\n");
  dir.Write("sys/devices/system/node/possible", "0-1\n");  // a file, not a node
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  testing::SampleRecorder out;
  const absl::Status s = MakeMeminfoNumaSource(SourceContext{&fs}).value()->Collect(out);
  CHECK(s.message().find("node1/numastat") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent
