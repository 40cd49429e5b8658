// SPDX-License-Identifier: Apache-2.0
//
// Benchmarks (hidden tag: not part of the test run). Run:
//   build/tests/hostmon_unit_tests "[.bench]" --benchmark-samples 50
#include <catch2/catch.hpp>

#include "agent/collection.h"
#include "agent/source_registry.h"
#include "common/clock.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

std::vector<Collection::NamedSource> Builtins(const common::FsRoot& fs) {
  std::vector<Collection::NamedSource> out;
  for (const SourceInfo& info : BuiltinSources()) {
    if (!info.enabled_by_default) continue;  // what a default agent runs
    out.push_back({info.name, info.factory(testing::TestContext(info.name, fs)).value()});
  }
  return out;
}

TEST_CASE("One agent collection cycle", "[.bench][agent]") {
  SECTION("this host's /proc") {
    common::FsRoot fs;
    SeriesTable table;
    Collection c(&table, Builtins(fs), &common::RealClock::Get());
    CollectedBatch batch;
    c.CollectOnce(&batch);
    BENCHMARK("CollectOnce, this host, default sources") {
      c.CollectOnce(&batch);
      return batch.values.size();
    };
  }
  SECTION("fixture tree") {
    common::FsRoot fs(HOSTMON_FIXTURE_DIR "/proc", "/nonexistent", "/nonexistent");
    SeriesTable table;
    Collection c(&table, Builtins(fs), &common::RealClock::Get());
    CollectedBatch batch;
    c.CollectOnce(&batch);
    BENCHMARK("CollectOnce, fixture tree, default sources") {
      c.CollectOnce(&batch);
      return batch.values.size();
    };
  }
}

}  // namespace
}  // namespace hostmon::agent
