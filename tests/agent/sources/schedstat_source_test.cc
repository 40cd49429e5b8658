// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/schedstat/schedstat_source.h"

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
const common::FsRoot kEmpty = testing::EmptyRoot();

TEST_CASE("schedstat source", "[agent][sources][schedstat]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeSchedstatSource(ctx).value());
  CHECK(rec.samples.size() == 12);
  CHECK(rec.samples.at("node_schedstat_running_seconds_total{cpu=\"0\"}") == 2398.764121389);
  CHECK(rec.samples.at("node_schedstat_waiting_seconds_total{cpu=\"1\"}") == 118.40522433);
  CHECK(rec.samples.at("node_schedstat_timeslices_total{cpu=\"3\"}") == 377096);
  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeSchedstatSource(empty).value()->Collect(none)));
}

}  // namespace
}  // namespace hostmon::agent
