// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/entropy/entropy_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

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

TEST_CASE("entropy source reads poolsize at its refresh, entropy_avail every collection",
          "[agent][sources][entropy][static_file]") {
  testing::ScopedTempDir proc;
  proc.Write("sys/kernel/random/entropy_avail", "256\n");
  proc.Write("sys/kernel/random/poolsize", "4096\n");
  const common::FsRoot fs(proc.path(), "/nonexistent", "/nonexistent");
  testing::FakeClock clock;
  auto source = MakeEntropySourceWithClock(SourceContext{&fs}, &clock).value();
  CHECK(CollectOk(*source).samples ==
        Samples{{"node_entropy_available_bits", 256}, {"node_entropy_pool_size_bits", 4096}});

  proc.Write("sys/kernel/random/entropy_avail", "200\n");
  proc.Write("sys/kernel/random/poolsize", "256\n");
  clock.Advance(kEntropyPoolSizeRefresh - absl::Seconds(1));
  CHECK(CollectOk(*source).samples ==
        Samples{{"node_entropy_available_bits", 200}, {"node_entropy_pool_size_bits", 4096}});
  clock.Advance(absl::Seconds(1));
  CHECK(CollectOk(*source).samples ==
        Samples{{"node_entropy_available_bits", 200}, {"node_entropy_pool_size_bits", 256}});

  // A bad poolsize fails every collection, naming the file, until a refresh reads a good one.
  proc.Write("sys/kernel/random/poolsize", "many\n");
  clock.Advance(kEntropyPoolSizeRefresh);
  for (int i = 0; i < 2; ++i) {
    SampleRecorder bad;
    const absl::Status s = source->Collect(bad);
    CHECK(absl::IsInvalidArgument(s));
    CHECK(s.message().find("sys/kernel/random/poolsize") != std::string::npos);
    CHECK(bad.adds == 0);
  }
  proc.Write("sys/kernel/random/poolsize", "256\n");
  clock.Advance(kEntropyPoolSizeRefresh);
  CHECK(CollectOk(*source).samples.at("node_entropy_pool_size_bits") == 256);
}

}  // namespace
}  // namespace hostmon::agent
