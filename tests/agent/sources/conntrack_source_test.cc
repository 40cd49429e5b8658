// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/conntrack/conntrack_source.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("conntrack source exports the fixture like node_exporter", "[agent][conntrack]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeConntrackSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::map<std::string, double> want = {
      {"node_nf_conntrack_entries", 37},     {"node_nf_conntrack_entries_limit", 262144},
      {"node_nf_conntrack_stat_drop", 1},    {"node_nf_conntrack_stat_early_drop", 2},
      {"node_nf_conntrack_stat_found", 13},  {"node_nf_conntrack_stat_ignore", 273},
      {"node_nf_conntrack_stat_insert", 4},  {"node_nf_conntrack_stat_insert_failed", 1},
      {"node_nf_conntrack_stat_invalid", 2}, {"node_nf_conntrack_stat_search_restart", 6},
  };
  CHECK(out.samples == want);
  CHECK(out.help.at("node_nf_conntrack_entries_limit") ==
        "Maximum size of connection tracking table.");
}

TEST_CASE("conntrack source without nf_conntrack is NotFound", "[agent][conntrack]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeConntrackSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
  CHECK(out.samples.empty());
}

TEST_CASE("conntrack source reads nf_conntrack_max at its refresh, the count every collection",
          "[agent][conntrack][static_file]") {
  testing::ScopedTempDir proc;
  proc.Write("sys/net/netfilter/nf_conntrack_count", "37\n");
  proc.Write("sys/net/netfilter/nf_conntrack_max", "262144\n");
  proc.Write("net/stat/nf_conntrack", testing::ReadFixture("proc/net/stat/nf_conntrack"));
  const common::FsRoot fs(proc.path(), "/nonexistent", "/nonexistent");
  testing::FakeClock clock;
  SourcePtr source = MakeConntrackSourceWithClock(SourceContext{&fs}, &clock).value();
  testing::SampleRecorder first = testing::CollectOk(*source);
  CHECK(first.samples.at("node_nf_conntrack_entries") == 37);
  CHECK(first.samples.at("node_nf_conntrack_entries_limit") == 262144);

  // An administrator raises the limit: seen at the refresh, not before.
  proc.Write("sys/net/netfilter/nf_conntrack_count", "40\n");
  proc.Write("sys/net/netfilter/nf_conntrack_max", "524288\n");
  clock.Advance(kConntrackMaxRefresh - absl::Seconds(1));
  testing::SampleRecorder before = testing::CollectOk(*source);
  CHECK(before.samples.at("node_nf_conntrack_entries") == 40);
  CHECK(before.samples.at("node_nf_conntrack_entries_limit") == 262144);
  clock.Advance(absl::Seconds(1));
  CHECK(testing::CollectOk(*source).samples.at("node_nf_conntrack_entries_limit") == 524288);

  // The module unloaded: NotFound at once (the count is read every collection).
  std::filesystem::remove_all(proc.File("sys/net/netfilter"));
  testing::SampleRecorder gone;
  CHECK(absl::IsNotFound(source->Collect(gone)));
  CHECK(gone.samples.empty());

  // A bad limit fails every collection from its refresh on, naming the file.
  proc.Write("sys/net/netfilter/nf_conntrack_count", "40\n");
  proc.Write("sys/net/netfilter/nf_conntrack_max", "lots\n");
  clock.Advance(kConntrackMaxRefresh);
  for (int i = 0; i < 2; ++i) {
    testing::SampleRecorder bad;
    const absl::Status s = source->Collect(bad);
    CHECK(absl::IsInvalidArgument(s));
    CHECK(s.message().find("nf_conntrack_max") != std::string::npos);
    CHECK(bad.samples.empty());
  }
}

}  // namespace
}  // namespace hostmon::agent
