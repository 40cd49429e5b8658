// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/stat/stat_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;
using Samples = std::map<std::string, double>;

const common::FsRoot kFixtures = testing::FixtureRoot();
const common::FsRoot kEmpty = testing::EmptyRoot();

TEST_CASE("stat source exports /proc/stat's counters", "[agent][sources][stat]") {
  const SourceContext ctx{&kFixtures};
  SourcePtr source = MakeStatSource(ctx).value();
  const SampleRecorder rec = CollectOk(*source);
  CHECK(rec.samples == Samples{
                           {"node_boot_time_seconds", 1795274682},
                           {"node_context_switches_total", 280676},
                           {"node_forks_total", 4352},
                           {"node_intr_total", 162115},
                           {"node_procs_blocked", 0},
                           {"node_procs_running", 1},
                       });
  CHECK(rec.types.at("node_boot_time_seconds") == kGauge);
  CHECK(rec.types.at("node_forks_total") == kCounter);
  CHECK(rec.help.at("node_intr_total") == "Total number of interrupts serviced.");

  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeStatSource(empty).value()->Collect(none)));
  CHECK(none.adds == 0);
}

}  // namespace
}  // namespace hostmon::agent
