// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/entropy/entropy_source.h"

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

TEST_CASE("entropy source", "[agent][sources][entropy]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeEntropySource(ctx).value());
  CHECK(rec.samples ==
        Samples{{"node_entropy_available_bits", 256}, {"node_entropy_pool_size_bits", 256}});
  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeEntropySource(empty).value()->Collect(none)));
}

}  // namespace
}  // namespace hostmon::agent
