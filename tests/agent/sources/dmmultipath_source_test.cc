// SPDX-License-Identifier: Apache-2.0
//
// The dmmultipath source over node_exporter's fixture maps (tests/fixtures/variants/dmmultipath:
// mpathA with an offline path, mpathB, and an LVM volume that is not a multipath map), hosts
// without maps, and maps that cannot be read.
#include "agent/sources/dmmultipath/dmmultipath_source.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "agent/sources/dmmultipath/dmmultipath_parser.h"
#include "fakes/alloc_counter.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using Samples = std::map<std::string, double>;

common::FsRoot MultipathFixture() {
  return common::FsRoot(testing::FixturePath("does-not-exist/proc"),
                        testing::FixturePath("variants/dmmultipath/sys"),
                        testing::FixturePath("does-not-exist/rootfs"));
}

TEST_CASE("dmmultipath value parsing", "[agent][dmmultipath]") {
  uint64_t v = 0;
  REQUIRE(ParseDmUint("104857600\n", "size", &v).ok());
  CHECK(v == 104857600);
  CHECK_THAT(std::string(ParseDmUint("1x\n", "/sys/block/dm-5/size", &v).message()),
             Catch::Contains("/sys/block/dm-5/size"));
  CHECK_FALSE(ParseDmUint("-1\n", "size", &v).ok());
  CHECK(IsDmPathActive("running"));
  CHECK(IsDmPathActive("live"));
  CHECK_FALSE(IsDmPathActive("offline"));
}

TEST_CASE("dmmultipath source over node_exporter's fixture maps", "[agent][dmmultipath]") {
  const testing::TestContext ctx("dmmultipath", MultipathFixture());
  SourcePtr source = MakeDmmultipathSource(ctx).value();
  const testing::SampleRecorder rec = testing::CollectOk(*source);
  CHECK(rec.samples ==
        Samples{
            {"node_dmmultipath_device_info{device=\"mpathA\",sysfs_name=\"dm-5\","
             "uuid=\"mpath-3600508b1001c1234567890abcdef1234\"}",
             1},
            {"node_dmmultipath_device_info{device=\"mpathB\",sysfs_name=\"dm-6\","
             "uuid=\"mpath-3600508b1001cabcdef4567890123456\"}",
             1},
            {"node_dmmultipath_device_active{device=\"mpathA\",sysfs_name=\"dm-5\"}", 1},
            {"node_dmmultipath_device_active{device=\"mpathB\",sysfs_name=\"dm-6\"}", 1},
            {"node_dmmultipath_device_size_bytes{device=\"mpathA\",sysfs_name=\"dm-5\"}",
             53687091200.0},
            {"node_dmmultipath_device_size_bytes{device=\"mpathB\",sysfs_name=\"dm-6\"}",
             107374182400.0},
            {"node_dmmultipath_device_paths{device=\"mpathA\",sysfs_name=\"dm-5\"}", 4},
            {"node_dmmultipath_device_paths{device=\"mpathB\",sysfs_name=\"dm-6\"}", 2},
            {"node_dmmultipath_device_paths_active{device=\"mpathA\",sysfs_name=\"dm-5\"}", 3},
            {"node_dmmultipath_device_paths_active{device=\"mpathB\",sysfs_name=\"dm-6\"}", 2},
            {"node_dmmultipath_device_paths_failed{device=\"mpathA\",sysfs_name=\"dm-5\"}", 1},
            {"node_dmmultipath_device_paths_failed{device=\"mpathB\",sysfs_name=\"dm-6\"}", 0},
            {"node_dmmultipath_path_state{device=\"mpathA\",path=\"sdi\",state=\"running\"}", 1},
            {"node_dmmultipath_path_state{device=\"mpathA\",path=\"sdj\",state=\"running\"}", 1},
            {"node_dmmultipath_path_state{device=\"mpathA\",path=\"sdk\",state=\"running\"}", 1},
            {"node_dmmultipath_path_state{device=\"mpathA\",path=\"sdl\",state=\"offline\"}", 1},
            {"node_dmmultipath_path_state{device=\"mpathB\",path=\"sdm\",state=\"running\"}", 1},
            {"node_dmmultipath_path_state{device=\"mpathB\",path=\"sdn\",state=\"running\"}", 1},
        });
  CHECK(rec.types.at("node_dmmultipath_path_state") == kGauge);
  CHECK(rec.help.at("node_dmmultipath_device_size_bytes") ==
        "Size of the multipath device in bytes, read from /sys/block/<dm>/size.");

  // Steady state: the maps are read into reused buffers.
  testing::NullWriter out;
  REQUIRE(source->Collect(out).ok());
  testing::AllocationCounter counter;
  (void)source->Collect(out);
  CHECK(counter.count() == 0);
}

TEST_CASE("dmmultipath source: hosts without maps, unreadable and bad maps",
          "[agent][dmmultipath]") {
  // No /sys/block at all: no data. A /sys/block without dm devices (the main fixture tree):
  // no series, no error.
  const testing::TestContext none("dmmultipath", testing::EmptyRoot());
  testing::SampleRecorder rec;
  CHECK(absl::IsNotFound(MakeDmmultipathSource(none).value()->Collect(rec)));
  const testing::TestContext plain("dmmultipath", testing::FixtureRoot());
  const testing::SampleRecorder no_maps = testing::CollectOk(*MakeDmmultipathSource(plain).value());
  CHECK(no_maps.adds == 0);

  testing::ScopedTempDir dir;
  std::filesystem::copy(
      testing::FixturePath("variants/dmmultipath/sys"), dir.File("sys"),
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  const testing::TestContext ctx("dmmultipath", fs);
  SourcePtr source = MakeDmmultipathSource(ctx).value();
  // A map without slaves/ has no paths.
  std::filesystem::remove_all(dir.File("sys/block/dm-6/slaves"));
  {
    const testing::SampleRecorder got = testing::CollectOk(*source);
    CHECK(got.Get("node_dmmultipath_device_paths{device=\"mpathB\",sysfs_name=\"dm-6\"}") == 0);
    CHECK(got.Get("node_dmmultipath_device_paths_failed{device=\"mpathB\",sysfs_name=\"dm-6\"}") ==
          0);
  }
  // A suspended map is inactive.
  dir.Write("sys/block/dm-6/dm/suspended", "1\n");
  CHECK(testing::CollectOk(*source).Get(
            "node_dmmultipath_device_active{device=\"mpathB\",sysfs_name=\"dm-6\"}") == 0);
  // A bad number fails the collection and exports nothing.
  dir.Write("sys/block/dm-6/size", "big\n");
  testing::SampleRecorder bad;
  absl::Status s = source->Collect(bad);
  CHECK_FALSE(s.ok());
  CHECK_FALSE(absl::IsNotFound(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("dm-6/size"));
  CHECK(bad.adds == 0);
  // A missing file of a map (a path's state) is "no data", as node_exporter.
  dir.Write("sys/block/dm-6/size", "8\n");
  ::unlink(dir.File("sys/block/sdl/device/state").c_str());
  testing::SampleRecorder missing;
  s = source->Collect(missing);
  CHECK(absl::IsNotFound(s));
  CHECK(missing.adds == 0);
}

}  // namespace
}  // namespace hostmon::agent
