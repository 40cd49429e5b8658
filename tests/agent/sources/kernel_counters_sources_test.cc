// SPDX-License-Identifier: Apache-2.0
//
// The xfrm, ksmd and softirqs sources (off by default, as in node_exporter) over the fixture tree
// (this machine's files, edited as tests/fixtures/README.md lists) and malformed input.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agent/sources/ksmd/ksmd_source.h"
#include "agent/sources/softirqs/softirqs_parser.h"
#include "agent/sources/softirqs/softirqs_source.h"
#include "agent/sources/xfrm/xfrm_parser.h"
#include "agent/sources/xfrm/xfrm_source.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::SampleRecorder;
using testing::ScopedTempDir;

common::FsRoot RootAt(const ScopedTempDir& dir) {
  return common::FsRoot(dir.File("proc"), dir.File("sys"), dir.path());
}

TEST_CASE("ParseXfrmStat: pairs in order, malformed lines", "[agent][xfrm]") {
  std::vector<std::pair<std::string, uint64_t>> got;
  const auto collect = [&](absl::string_view n, uint64_t v) { got.emplace_back(n, v); };
  REQUIRE(ParseXfrmStat("XfrmInError             \t1\n\nXfrmInBufferError 2\n", "f", collect).ok());
  CHECK(got == std::vector<std::pair<std::string, uint64_t>>{{"XfrmInError", 1},
                                                             {"XfrmInBufferError", 2}});
  CHECK(
      ParseXfrmStat("XfrmInError\n", "f", collect).message().find("expected a name and a value") !=
      std::string::npos);
  CHECK_FALSE(ParseXfrmStat("XfrmInError 1 2\n", "f", collect).ok());
  CHECK_FALSE(ParseXfrmStat("XfrmInError -1\n", "f", collect).ok());
  CHECK_FALSE(ParseXfrmStat("XfrmInError 1x\n", "f", collect).ok());
}

TEST_CASE("xfrm source: all 28 counters, 0 for what the kernel lacks", "[agent][xfrm]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SampleRecorder out;
  REQUIRE(MakeXfrmSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.samples.size() == 28);
  CHECK(out.Get("node_xfrm_in_no_states_packets_total") == 3);
  CHECK(out.Get("node_xfrm_in_error_packets_total") == 0);
  CHECK(out.types["node_xfrm_acquire_error_packets_total"] == kCounter);

  ScopedTempDir dir;
  dir.Write("proc/net/xfrm_stat", "XfrmOutPolDead 7\n");
  const common::FsRoot partial = RootAt(dir);
  SampleRecorder few;
  REQUIRE(MakeXfrmSource(SourceContext{&partial}).value()->Collect(few).ok());
  CHECK(few.samples.size() == 28);
  CHECK(few.Get("node_xfrm_out_pol_dead_packets_total") == 7);
}

TEST_CASE("ksmd source: every attribute present, signed general_profit, seconds", "[agent][ksmd]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SampleRecorder out;
  REQUIRE(MakeKsmdSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.samples.size() == 10);
  CHECK(out.Get("node_ksmd_full_scans_total") == 12);
  CHECK(out.Get("node_ksmd_general_profit_bytes") == -4096);
  CHECK(out.Get("node_ksmd_pages_to_scan") == 100);
  CHECK(out.Get("node_ksmd_sleep_seconds") == Approx(0.02));
  CHECK(out.types["node_ksmd_full_scans_total"] == kCounter);
}

TEST_CASE("ksmd source: missing attributes skipped, none is NotFound, bad value an error",
          "[agent][ksmd]") {
  ScopedTempDir dir;
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeKsmdSource(SourceContext{&fs}).value();
  SampleRecorder none;
  CHECK(absl::IsNotFound(source->Collect(none)));
  dir.Write("sys/kernel/mm/ksm/run", "1\n");
  SampleRecorder one;
  REQUIRE(source->Collect(one).ok());
  CHECK(one.samples.size() == 1);
  CHECK(one.Get("node_ksmd_run") == 1);
  dir.Write("sys/kernel/mm/ksm/run", "on\n");
  const absl::Status bad = source->Collect(one);
  CHECK(bad.message().find("ksm/run") != std::string::npos);
}

TEST_CASE("ParseSoftirqs: known vectors by column, errors", "[agent][softirqs]") {
  std::vector<std::tuple<std::string, size_t, uint64_t>> got;
  const auto collect = [&](absl::string_view t, size_t cpu, uint64_t v) {
    got.emplace_back(std::string(t), cpu, v);
  };
  REQUIRE(ParseSoftirqs("                    CPU0       CPU1\n"
                        "          HI:          7          1\n"
                        "     NEWVEC:          1          2\n"
                        "         RCU:     155929     146631\n",
                        "softirqs", collect)
              .ok());
  CHECK(got == std::vector<std::tuple<std::string, size_t, uint64_t>>{
                   {"HI", 0, 7}, {"HI", 1, 1}, {"RCU", 0, 155929}, {"RCU", 1, 146631}});
  CHECK(ParseSoftirqs("", "softirqs", collect).message() == "softirqs: input is empty");
  CHECK_FALSE(ParseSoftirqs("CPU0\n   HI: 7x\n", "f", collect).ok());
}

TEST_CASE("softirqs source over the fixture", "[agent][softirqs]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SampleRecorder out;
  REQUIRE(MakeSoftirqsSource(SourceContext{&fs}).value()->Collect(out).ok());
  CHECK(out.samples.size() == 10 * 2);
  CHECK(out.Has("node_softirqs_functions_total{cpu=\"1\",type=\"TIMER\"}"));
  CHECK(out.types["node_softirqs_functions_total"] == kCounter);
}

}  // namespace
}  // namespace hostmon::agent
