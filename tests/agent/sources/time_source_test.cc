// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/time/time_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;
using Samples = std::map<std::string, double>;

const common::FsRoot kFixtures = testing::FixtureRoot();
const common::FsRoot kEmpty = testing::EmptyRoot();

TEST_CASE("time source", "[agent][sources][time]") {
  testing::FakeClock clock(absl::FromUnixMillis(1795278899500));
  auto zone = [](absl::Time, std::string* name, int* offset) {
    name->assign("CET");
    *offset = 3600;
  };
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeTimeSourceWith(ctx, &clock, zone).value());
  CHECK(rec.samples ==
        Samples{
            {"node_time_clocksource_available_info{clocksource=\"kvm-clock\",device=\"0\"}", 1},
            {"node_time_clocksource_available_info{clocksource=\"tsc\",device=\"0\"}", 1},
            {"node_time_clocksource_current_info{clocksource=\"tsc\",device=\"0\"}", 1},
            {"node_time_seconds", 1795278899.5},
            {"node_time_zone_offset_seconds{time_zone=\"CET\"}", 3600},
        });
  // Without sysfs there are no clocksource series, but the time itself is still exported.
  const SourceContext empty{&kEmpty};
  const SampleRecorder bare = CollectOk(*MakeTimeSourceWith(empty, &clock, zone).value());
  CHECK(bare.samples.size() == 2);
}

}  // namespace
}  // namespace hostmon::agent
