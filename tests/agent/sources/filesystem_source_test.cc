// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filesystem/filesystem_source.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

const std::string kFixtures = HOSTMON_FIXTURE_DIR;
const std::string kRoot = "{device=\"/dev/vda\",fstype=\"ext4\",mountpoint=\"/\"}";
const std::string kBoot = "{device=\"/dev/vda2\",fstype=\"ext4\",mountpoint=\"/boot\"}";
const std::string kBackup = "{device=\"/dev/vdb1\",fstype=\"xfs\",mountpoint=\"/mnt/backup disk\"}";
const std::string kNfs = "{device=\"fileserver:/export\",fstype=\"nfs4\",mountpoint=\"/srv/nfs\"}";
const std::string kRun = "{device=\"tmpfs\",fstype=\"tmpfs\",mountpoint=\"/run\"}";

// State shared with worker threads; held by shared_ptr so a blocked worker outlives the test.
struct FakeFs {
  std::map<std::string, FsStats> stats;  // path -> stats; other paths fail with ENOENT
  std::set<std::string> hang_paths;      // these paths block until `release`
  absl::Notification release;
  std::atomic<int> hang_calls{0};
  std::atomic<int> calls{0};
  absl::Mutex mu;
  std::set<std::thread::id> threads;  // the workers that made calls
};

StatFsFunc FakeStatFs(std::shared_ptr<FakeFs> fake) {
  return [fake](const std::string& path, FsStats* out) {
    ++fake->calls;
    {
      absl::MutexLock lock(&fake->mu);
      fake->threads.insert(std::this_thread::get_id());
    }
    if (fake->hang_paths.count(path) != 0) {
      ++fake->hang_calls;
      fake->release.WaitForNotification();
      return absl::UnavailableError("released");
    }
    auto it = fake->stats.find(path);
    if (it == fake->stats.end()) return absl::NotFoundError("statvfs " + path + ": ENOENT");
    *out = it->second;
    return absl::OkStatus();
  };
}

std::shared_ptr<FakeFs> MakeFakeFs(const std::string& rootfs) {
  auto fake = std::make_shared<FakeFs>();
  fake->stats[rootfs + "/"] = FsStats{1000, 400, 300, 4096, 5000, 4000};
  fake->stats[rootfs + "/boot"] = FsStats{200, 100, 90, 1024, 64, 60};
  fake->stats[rootfs + "/run"] = FsStats{10, 9, 9, 4096, 100, 99};
  fake->stats[rootfs + "/srv/nfs"] = FsStats{7, 6, 5, 65536, 3, 2};
  return fake;
}

TEST_CASE("filesystem source reports the fixture's mounts like node_exporter",
          "[agent][filesystem]") {
  const common::FsRoot fs = testing::FixtureRoot();
  auto fake = MakeFakeFs(kFixtures + "/rootfs");
  auto source =
      MakeFilesystemSourceWithStatFs(testing::TestContext("filesystem", fs), FakeStatFs(fake));
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());

  CHECK(out.Get("node_filesystem_size_bytes" + kRoot) == 1000.0 * 4096);
  CHECK(out.Get("node_filesystem_free_bytes" + kRoot) == 400.0 * 4096);
  CHECK(out.Get("node_filesystem_avail_bytes" + kRoot) == 300.0 * 4096);
  CHECK(out.Get("node_filesystem_files" + kRoot) == 5000);
  CHECK(out.Get("node_filesystem_files_free" + kRoot) == 4000);
  CHECK(out.Get("node_filesystem_readonly" + kRoot) == 0);
  CHECK(out.Get("node_filesystem_device_error" + kRoot) == 0);
  CHECK(out.Get("node_filesystem_size_bytes" + kBoot) == 200.0 * 1024);
  CHECK(out.Get("node_filesystem_readonly" + kBoot) == 1);
  CHECK(out.Get("node_filesystem_size_bytes" + kNfs) == 7.0 * 65536);
  CHECK(out.Get("node_filesystem_size_bytes" + kRun) == 10.0 * 4096);
  // statvfs failed: only device_error, as node_exporter 1.5.0.
  CHECK(out.Get("node_filesystem_device_error" + kBackup) == 1);
  CHECK_FALSE(out.Has("node_filesystem_size_bytes" + kBackup));
  CHECK_FALSE(out.Has("node_filesystem_readonly" + kBackup));

  // 4 mounts * 7 series + 1 failed mount; excluded: /proc /sys /dev* /run/credentials/...,
  // docker overlay, squashfs, cgroup2, /sys/fs/cgroup; the duplicate "/" line is dropped.
  CHECK(out.samples.size() == 29);
  CHECK(out.adds == 29);
  CHECK(out.help["node_filesystem_avail_bytes"] ==
        "Filesystem space available to non-root users in bytes.");
  CHECK(out.types["node_filesystem_size_bytes"] == kGauge);
  // One call per mount point, the duplicate "/" included.
  CHECK(fake->calls == 5);
}

TEST_CASE("filesystem source options", "[agent][filesystem]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SECTION("an invalid regex names the option") {
    const testing::TestContext ctx("filesystem", fs, {{"mount-points-exclude", "^/(dev"}});
    auto source = MakeFilesystemSource(ctx);
    REQUIRE(absl::IsInvalidArgument(source.status()));
    CHECK(source.status().message().find("mount-points-exclude") != absl::string_view::npos);
  }
  SECTION("an invalid fs type regex names the option") {
    const testing::TestContext ctx("filesystem", fs, {{"fs-types-exclude", "["}});
    auto source = MakeFilesystemSource(ctx);
    REQUIRE(absl::IsInvalidArgument(source.status()));
    CHECK(source.status().message().find("fs-types-exclude") != absl::string_view::npos);
  }
  SECTION("an invalid timeout names the option") {
    const testing::TestContext ctx("filesystem", fs, {{"mount-timeout", "5 parsecs"}});
    auto source = MakeFilesystemSource(ctx);
    REQUIRE(absl::IsInvalidArgument(source.status()));
    CHECK(source.status().message().find("mount-timeout") != absl::string_view::npos);
  }
  SECTION("custom exclusions apply") {
    const testing::TestContext ctx(
        "filesystem", fs,
        {{"mount-points-exclude", "^/(boot|srv)"}, {"fs-types-exclude", "^tmpfs$"}});
    auto fake = MakeFakeFs(kFixtures + "/rootfs");
    auto source = MakeFilesystemSourceWithStatFs(ctx, FakeStatFs(fake));
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK_FALSE(out.Has("node_filesystem_device_error" + kBoot));
    CHECK_FALSE(out.Has("node_filesystem_device_error" + kRun));
    CHECK(out.Has("node_filesystem_device_error" + kRoot));
    // Now included: /proc is not excluded by the custom regex.
    CHECK(out.Get("node_filesystem_device_error{device=\"proc\",fstype=\"proc\",mountpoint=\"/"
                  "proc\"}") == 1);
  }
}

TEST_CASE("filesystem source reports mount points relative to rootfs", "[agent][filesystem]") {
  // As node_exporter's rootfsStripPrefix: a host root mounted at /host in a container.
  const common::FsRoot fs(kFixtures + "/proc", kFixtures + "/sys", "/host");
  auto fake = std::make_shared<FakeFs>();
  fake->stats["/host/"] = FsStats{1, 1, 1, 1, 1, 1};
  // Only the mounts table matters here; the fixture's mount points do not start with /host.
  auto source =
      MakeFilesystemSourceWithStatFs(testing::TestContext("filesystem", fs), FakeStatFs(fake));
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());
  CHECK(out.Get("node_filesystem_size_bytes" + kRoot) == 1);
}

TEST_CASE("filesystem source is NotFound without a mount table", "[agent][filesystem]") {
  const common::FsRoot fs = testing::EmptyRoot();
  auto source = MakeFilesystemSource(testing::TestContext("filesystem", fs));
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound((*source)->Collect(out)));
}

TEST_CASE("a hung mount does not stall the filesystem source", "[agent][filesystem]") {
  const common::FsRoot fs = testing::FixtureRoot();
  std::map<std::string, std::string> options{{"mount-timeout", "300ms"}};
  auto fake = MakeFakeFs(kFixtures + "/rootfs");
  fake->hang_paths.insert(kFixtures + "/rootfs/srv/nfs");  // a dead NFS server
  auto source = MakeFilesystemSourceWithStatFs(testing::TestContext("filesystem", fs, options),
                                               FakeStatFs(fake));
  REQUIRE(source.ok());

  using Clock = std::chrono::steady_clock;
  testing::SampleRecorder first;
  const auto start = Clock::now();
  REQUIRE((*source)->Collect(first).ok());
  const auto elapsed = Clock::now() - start;
  CHECK(elapsed >= std::chrono::milliseconds(250));
  CHECK(elapsed < std::chrono::milliseconds(1500));
  CHECK(first.Get("node_filesystem_device_error" + kNfs) == 1);
  CHECK_FALSE(first.Has("node_filesystem_size_bytes" + kNfs));
  CHECK(first.Get("node_filesystem_device_error" + kRoot) == 0);
  CHECK(first.Get("node_filesystem_size_bytes" + kRoot) == 1000.0 * 4096);
  CHECK(first.Get("node_filesystem_size_bytes" + kBoot) == 200.0 * 1024);
  CHECK(fake->hang_calls == 1);

  // Second round: the stuck call is not repeated and the round does not wait for it.
  testing::SampleRecorder second;
  const auto start2 = Clock::now();
  REQUIRE((*source)->Collect(second).ok());
  CHECK(Clock::now() - start2 < std::chrono::milliseconds(250));
  CHECK(fake->hang_calls == 1);
  CHECK(second.Get("node_filesystem_device_error" + kNfs) == 1);
  CHECK(second.Get("node_filesystem_size_bytes" + kRoot) == 1000.0 * 4096);

  // The server comes back: the call returns (with an error here) and the next round stats the
  // mount again, now successfully.
  fake->hang_paths.clear();
  fake->release.Notify();
  const auto wait_until = Clock::now() + std::chrono::seconds(5);
  testing::SampleRecorder third;
  while (Clock::now() < wait_until) {
    third = testing::SampleRecorder();
    REQUIRE((*source)->Collect(third).ok());
    if (third.Get("node_filesystem_device_error" + kNfs) == 0) break;
  }
  CHECK(third.Get("node_filesystem_device_error" + kNfs) == 0);
  CHECK(third.Get("node_filesystem_size_bytes" + kNfs) == 7.0 * 65536);
  CHECK(fake->hang_calls == 1);
}

TEST_CASE("healthy rounds are served by one worker thread, a slow call gets a second",
          "[agent][filesystem]") {
  const common::FsRoot fs = testing::FixtureRoot();
  auto fake = MakeFakeFs(kFixtures + "/rootfs");
  auto source =
      MakeFilesystemSourceWithStatFs(testing::TestContext("filesystem", fs), FakeStatFs(fake));
  REQUIRE(source.ok());
  for (int round = 0; round < 3; ++round) {
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.Get("node_filesystem_device_error" + kRoot) == 0);
  }
  {
    absl::MutexLock lock(&fake->mu);
    CHECK(fake->threads.size() == 1);
  }

  // The first mount point hangs: the others, queued behind it, get a second worker within the
  // round instead of timing out.
  auto slow = MakeFakeFs(kFixtures + "/rootfs");
  slow->hang_paths = {kFixtures + "/rootfs/"};
  std::map<std::string, std::string> options{{"mount-timeout", "500ms"}};
  auto second = MakeFilesystemSourceWithStatFs(testing::TestContext("filesystem", fs, options),
                                               FakeStatFs(slow));
  REQUIRE(second.ok());
  testing::SampleRecorder out;
  REQUIRE((*second)->Collect(out).ok());
  CHECK(out.Get("node_filesystem_device_error" + kRoot) == 1);
  CHECK(out.Get("node_filesystem_device_error" + kBoot) == 0);
  CHECK(out.Get("node_filesystem_size_bytes" + kRun) == 10.0 * 4096);
  {
    absl::MutexLock lock(&slow->mu);
    CHECK(slow->threads.size() == 2);
  }
  slow->release.Notify();
}

TEST_CASE("hung mounts that hold every worker do not block the others for good",
          "[agent][filesystem]") {
  const common::FsRoot fs = testing::FixtureRoot();
  std::map<std::string, std::string> options{{"mount-timeout", "200ms"}};
  auto fake = MakeFakeFs(kFixtures + "/rootfs");
  // The first two mount points in the table: both spare workers get stuck.
  fake->hang_paths = {kFixtures + "/rootfs/", kFixtures + "/rootfs/run"};
  auto source = MakeFilesystemSourceWithStatFs(testing::TestContext("filesystem", fs, options),
                                               FakeStatFs(fake));
  REQUIRE(source.ok());

  testing::SampleRecorder first;
  const auto start = std::chrono::steady_clock::now();
  REQUIRE((*source)->Collect(first).ok());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
  CHECK(first.Get("node_filesystem_device_error" + kRoot) == 1);
  CHECK(first.Get("node_filesystem_device_error" + kRun) == 1);
  // Queued behind the stuck calls: an error this round, but not marked stuck.
  CHECK(first.Get("node_filesystem_device_error" + kBoot) == 1);
  CHECK(fake->hang_calls == 2);

  // New workers replace the stuck ones; the stuck mount points are not called again.
  testing::SampleRecorder second;
  REQUIRE((*source)->Collect(second).ok());
  CHECK(second.Get("node_filesystem_device_error" + kBoot) == 0);
  CHECK(second.Get("node_filesystem_size_bytes" + kBoot) == 200.0 * 1024);
  CHECK(second.Get("node_filesystem_size_bytes" + kNfs) == 7.0 * 65536);
  CHECK(second.Get("node_filesystem_device_error" + kRoot) == 1);
  CHECK(fake->hang_calls == 2);
  fake->release.Notify();
}

}  // namespace
}  // namespace hostmon::agent
