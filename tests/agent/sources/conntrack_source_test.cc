// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/conntrack/conntrack_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

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

}  // namespace
}  // namespace hostmon::agent
