// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filefd/filefd_source.h"

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

TEST_CASE("filefd source", "[agent][sources][filefd]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeFilefdSource(ctx).value());
  CHECK(rec.samples == Samples{{"node_filefd_allocated", 1244}, {"node_filefd_maximum", 2466170}});
  CHECK(rec.types.at("node_filefd_maximum") == kGauge);
  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeFilefdSource(empty).value()->Collect(none)));
}

}  // namespace
}  // namespace hostmon::agent
