// SPDX-License-Identifier: Apache-2.0
// clang-format off: the benchmarking switch must precede the Catch2 header.
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>
// clang-format on

#include <memory>
#include <string>

#include "agent/sources/edac/edac_source.h"
#include "agent/sources/hwmon/hwmon_source.h"
#include "agent/sources/powersupplyclass/powersupplyclass_source.h"
#include "agent/sources/rapl/rapl_source.h"
#include "agent/sources/thermal_zone/thermal_zone_source.h"
#include "common/fs_root.h"
#include "fakes/alloc_counter.h"

namespace hostmon::agent {
namespace {

class NullWriter : public SampleWriter {
 public:
  void Add(const MetricDesc&, LabelSpan, double) override { ++samples; }
  size_t samples = 0;
};

// Each hardware source, on its own, allocates nothing once warmed up (the collection-wide test
// would only say that some source does). textfile is left out: its fixture directory holds
// broken files on purpose, and reporting an error builds a Status, which allocates.
TEST_CASE("Hardware sources do not allocate in steady state", "[agent][hwmon][alloc]") {
  const common::FsRoot fs(HOSTMON_FIXTURE_DIR "/proc", HOSTMON_FIXTURE_DIR "/sys",
                          HOSTMON_FIXTURE_DIR "/rootfs");
  const std::pair<const char*, SourcePtr> sources[] = {
      {"hwmon", MakeHwmonSourceWithOps(fs, RealSysfsDirOps())},
      {"thermal_zone", MakeThermalZoneSourceWithOps(fs, RealSysfsDirOps())},
      {"edac", MakeEdacSourceWithOps(fs, RealSysfsDirOps())},
      {"powersupplyclass", MakePowerSupplyClassSourceWithOps(fs, RealSysfsDirOps())},
      {"rapl", MakeRaplSourceWithOps(fs, RealSysfsDirOps())},
  };
  for (const auto& [name, source] : sources) {
    INFO(name);
    NullWriter w;
    (void)source->Collect(w);
    (void)source->Collect(w);
    size_t allocations;
    {
      testing::AllocationCounter counter;
      (void)source->Collect(w);
      allocations = counter.count();
    }
    CHECK(w.samples > 0);
    CHECK(allocations == 0);
  }
}

}  // namespace
}  // namespace hostmon::agent
