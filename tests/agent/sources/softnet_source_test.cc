// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/softnet/softnet_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("softnet source exports per-CPU counters from the fixture", "[agent][softnet]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeSoftnetSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::map<std::string, double> want = {
      {"node_softnet_dropped_total{cpu=\"0\"}", 0},
      {"node_softnet_dropped_total{cpu=\"1\"}", 42},
      {"node_softnet_flow_limit_count_total{cpu=\"0\"}", 0},
      {"node_softnet_flow_limit_count_total{cpu=\"1\"}", 0},
      {"node_softnet_processed_total{cpu=\"0\"}", 31144},
      {"node_softnet_processed_total{cpu=\"1\"}", 31981},
      {"node_softnet_received_rps_total{cpu=\"0\"}", 0},
      {"node_softnet_received_rps_total{cpu=\"1\"}", 0},
      {"node_softnet_times_squeezed_total{cpu=\"0\"}", 0},
      {"node_softnet_times_squeezed_total{cpu=\"1\"}", 17},
  };
  CHECK(out.samples == want);
  CHECK(out.types.at("node_softnet_processed_total") == kCounter);
  CHECK(out.help.at("node_softnet_times_squeezed_total") ==
        "Number of times processing packets ran out of quota");
  CHECK(out.types.at("node_softnet_received_rps_total") == kCounter);
  CHECK(out.help.at("node_softnet_received_rps_total") ==
        "Number of times each cpu woke up received_rps");
  CHECK(out.types.at("node_softnet_flow_limit_count_total") == kCounter);
  CHECK(out.help.at("node_softnet_flow_limit_count_total") ==
        "Number of times flow limit has been reached");
}

TEST_CASE("softnet source without the file is NotFound", "[agent][softnet]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeSoftnetSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
}

}  // namespace
}  // namespace hostmon::agent
