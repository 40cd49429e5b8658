// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/pressure/pressure_source.h"

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

TEST_CASE("pressure source", "[agent][sources][pressure]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakePressureSource(ctx).value());
  CHECK(rec.samples == Samples{
                           {"node_pressure_cpu_waiting_seconds_total", 114.201963},
                           {"node_pressure_io_stalled_seconds_total", 4.026982},
                           {"node_pressure_io_waiting_seconds_total", 4.351211},
                           {"node_pressure_irq_stalled_seconds_total", 0.021873},
                           {"node_pressure_memory_stalled_seconds_total", 0.873204},
                           {"node_pressure_memory_waiting_seconds_total", 1.523411},
                       });
  CHECK(rec.help.at("node_pressure_io_stalled_seconds_total") ==
        "Total time in seconds no process could make progress due to IO congestion");
  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakePressureSource(empty).value()->Collect(none)));
}

}  // namespace
}  // namespace hostmon::agent
