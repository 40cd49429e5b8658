// SPDX-License-Identifier: Apache-2.0
//
// Issue 3's hung-mount acceptance at the level of a whole collection: with one mount whose
// statvfs never returns, every cycle stays bounded (only the first waits for the mount timeout)
// and the other sources report in every cycle.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>

#include "absl/synchronization/notification.h"
#include "agent/collection.h"
#include "agent/source_registry.h"
#include "agent/sources/filesystem/filesystem_source.h"
#include "common/clock.h"
#include "fakes/fixtures.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

TEST_CASE("A hung mount delays one collection by at most the mount timeout",
          "[agent][collection][filesystem]") {
  const std::string fixtures = HOSTMON_FIXTURE_DIR;
  common::FsRoot fs = testing::FixtureRoot();
  // Owned by the fake and shared with the stuck worker, which outlives this test.
  auto release = std::make_shared<absl::Notification>();
  const std::string hung = fixtures + "/rootfs/srv/nfs";
  StatFsFunc statfs = [release, hung](const std::string& path, FsStats* out) {
    if (path == hung) {
      release->WaitForNotification();  // a dead NFS server
      return absl::UnavailableError("released");
    }
    *out = FsStats{1000, 400, 300, 4096, 5000, 4000};
    return absl::OkStatus();
  };
  std::vector<Collection::NamedSource> sources;
  auto filesystem = MakeFilesystemSourceWithStatFs(
      testing::TestContext("filesystem", fs, {{"mount-timeout", "300ms"}}), statfs);
  REQUIRE(filesystem.ok());
  sources.push_back({"filesystem", std::move(*filesystem)});
  for (const SourceInfo& info : BuiltinSources()) {
    if (info.name == "cpu" || info.name == "loadavg" || info.name == "meminfo") {
      sources.push_back({info.name, info.factory(testing::TestContext(info.name, fs)).value()});
    }
  }
  SeriesTable table;
  Collection collection(&table, std::move(sources), &common::RealClock::Get());

  using Clock = std::chrono::steady_clock;
  for (int cycle = 0; cycle < 4; ++cycle) {
    CollectedBatch batch;
    const auto start = Clock::now();
    collection.CollectOnce(&batch);
    const auto elapsed = Clock::now() - start;
    INFO("cycle " << cycle);
    // Only the first cycle waits (up to the timeout); later ones do not call the stuck mount.
    CHECK(elapsed < std::chrono::milliseconds(cycle == 0 ? 1500 : 250));
    const std::string text = FormatExposition(table, batch);
    CHECK_THAT(text, Catch::Contains("node_load1 1.27"));
    CHECK_THAT(text, Catch::Contains("hostmon_agent_source_success{source=\"cpu\"} 1"));
    CHECK_THAT(text, Catch::Contains("hostmon_agent_source_success{source=\"filesystem\"} 1"));
    CHECK_THAT(text, Catch::Contains("node_filesystem_device_error{device=\"fileserver:/export\","
                                     "fstype=\"nfs4\",mountpoint=\"/srv/nfs\"} 1"));
  }
  release->Notify();
}

}  // namespace
}  // namespace hostmon::agent
