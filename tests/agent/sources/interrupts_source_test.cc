// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/interrupts/interrupts_source.h"

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

TEST_CASE("interrupts source", "[agent][sources][interrupts]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeInterruptsSource(ctx).value());
  CHECK(rec.samples.size() == 66);  // 33 IRQs x 2 CPUs
  CHECK(rec.samples.at("node_interrupts_total{cpu=\"1\",devices=\"4-edge "
                       "ttyS0\",info=\"IO-APIC\",type=\"26\"}") == 15);
  CHECK(rec.samples.at("node_interrupts_total{cpu=\"0\",devices=\"\",info=\"Local timer "
                       "interrupts\",type=\"LOC\"}") == 609447);
  CHECK(rec.types.at("node_interrupts_total") == kCounter);
  CHECK(rec.help.at("node_interrupts_total") == "Interrupt details.");
  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeInterruptsSource(empty).value()->Collect(none)));
}

}  // namespace
}  // namespace hostmon::agent
