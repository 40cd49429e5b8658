// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "agent/sources/edac/edac_source.h"
#include "agent/sources/hwmon/hwmon_source.h"
#include "agent/sources/powersupplyclass/powersupplyclass_source.h"
#include "agent/sources/rapl/rapl_source.h"
#include "agent/sources/textfile/textfile_source.h"
#include "agent/sources/thermal_zone/thermal_zone_source.h"
#include "common/fs_root.h"
#include "fakes/alloc_counter.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

// Each hardware source, on its own, allocates nothing once warmed up (the collection-wide test
// would only say that some source does). textfile is left out: its fixture directory holds
// broken files on purpose, and reporting an error builds a Status, which allocates.
TEST_CASE("Hardware sources do not allocate in steady state", "[agent][hwmon][alloc]") {
  const common::FsRoot fs = testing::FixtureRoot();
  const std::pair<const char*, SourcePtr> sources[] = {
      {"hwmon", MakeHwmonSourceWithOps(fs, RealSysfsDirOps()).value()},
      {"thermal_zone", MakeThermalZoneSourceWithOps(fs, RealSysfsDirOps()).value()},
      {"edac", MakeEdacSourceWithOps(fs, RealSysfsDirOps()).value()},
      {"powersupplyclass", MakePowerSupplyClassSourceWithOps(fs, RealSysfsDirOps()).value()},
      {"rapl", MakeRaplSourceWithOps(fs, RealSysfsDirOps()).value()},
  };
  for (const auto& [name, source] : sources) {
    INFO(name);
    testing::NullWriter w;
    (void)source->Collect(w);
    (void)source->Collect(w);
    size_t allocations;
    {
      testing::AllocationCounter counter;
      (void)source->Collect(w);
      allocations = counter.count();
    }
    CHECK(w.adds > 0);
    CHECK(allocations == 0);
  }
}

// textfile over good files only (its fixture directory also holds broken ones, whose error
// Status allocates by design), copied into a scratch directory.
TEST_CASE("textfile does not allocate in steady state", "[agent][textfile][alloc]") {
  testing::ScopedTempDir tmp;
  for (const char* name : {"app.prom", "raid.prom"}) {
    tmp.Write(name, testing::ReadFixture(std::string("textfile/") + name));
  }
  SourcePtr source = MakeTextfileSourceWithOps(tmp.path(), RealTextfileDirOps()).value();
  testing::NullWriter w;
  REQUIRE(source->Collect(w).ok());
  REQUIRE(source->Collect(w).ok());
  size_t allocations;
  {
    testing::AllocationCounter counter;
    REQUIRE(source->Collect(w).ok());
    allocations = counter.count();
  }
  CHECK(w.adds == 3 * (19 + 2 + 2 + 1));
  CHECK(allocations == 0);
}

}  // namespace
}  // namespace hostmon::agent
