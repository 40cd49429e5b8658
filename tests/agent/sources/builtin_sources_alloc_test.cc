// SPDX-License-Identifier: Apache-2.0
//
// Every fast source over the fixture tree, with its default options, allocates nothing per
// collection once warmed up (README: steady state).
#include <catch2/catch.hpp>

#include "agent/source_registry.h"
#include "fakes/alloc_counter.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

TEST_CASE("System sources do not allocate in steady state", "[agent][sources][alloc]") {
  const common::FsRoot fs = testing::FixtureRoot();
  for (const SourceInfo& info : BuiltinSources()) {
    // Reads D-Bus, not the fixture tree; its steady state is checked with a fake client in
    // systemd_source_test.cc.
    if (info.name == "systemd") continue;
    // Slow-tier sources (devices, BMCs) run off the fast thread and may allocate there; merging
    // their results into the fast cycle is checked allocation-free in slow_tier_test.cc. Each
    // has its own tests with fakes and real peers (smart, ipmi, redfish).
    if (info.slow) continue;
    INFO("source " << info.name);
    auto source = info.factory(testing::TestContext(info.name, fs));
    REQUIRE(source.ok());
    testing::NullWriter out;
    REQUIRE((*source)->Collect(out).ok());  // warm-up: sizes buffers
    REQUIRE((*source)->Collect(out).ok());
    size_t allocations;
    {
      testing::AllocationCounter counter;
      (void)(*source)->Collect(out);
      allocations = counter.count();
    }
    CHECK(allocations == 0);
  }
}

}  // namespace
}  // namespace hostmon::agent
