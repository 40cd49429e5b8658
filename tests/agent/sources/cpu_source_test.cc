// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpu_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;

const common::FsRoot kFixtures = testing::FixtureRoot();

TEST_CASE("cpu source exports guest time per CPU", "[agent][sources][cpu]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeCpuSource(ctx).value());
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"2\",mode=\"user\"}") == 0.07);
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"2\",mode=\"nice\"}") == 0.02);
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"user\"}") == 0);
  CHECK(rec.samples.count("node_cpu_guest_seconds_total{cpu=\"3\",mode=\"nice\"}") == 1);
  CHECK(rec.samples.count("node_cpu_guest_seconds_total{cpu=\"4\",mode=\"nice\"}") == 0);
  // 4 CPUs x (8 modes + 2 guest modes).
  CHECK(rec.samples.size() == 40);
  CHECK(rec.types.at("node_cpu_guest_seconds_total") == kCounter);
}

}  // namespace
}  // namespace hostmon::agent
