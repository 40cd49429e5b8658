// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/os/os_source.h"

#include <catch2/catch.hpp>
#include <cstdio>
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

TEST_CASE("os source reads etc/os-release, then usr/lib/os-release", "[agent][sources][os]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeOsSource(ctx).value());
  CHECK(rec.samples ==
        Samples{
            {"node_os_info{build_id=\"\",id=\"debian\",id_like=\"\",image_id=\"\",image_version="
             "\"\",name=\"Debian GNU/Linux\",pretty_name=\"Debian GNU/Linux 12 (bookworm)\","
             "variant=\"\",variant_id=\"\",version=\"12 (bookworm)\",version_codename="
             "\"bookworm\",version_id=\"12\"}",
             1},
            {"node_os_version{id=\"debian\",id_like=\"\",name=\"Debian GNU/Linux\"}", 12},
        });

  const common::FsRoot usr_lib("/nonexistent", "/nonexistent",
                               HOSTMON_FIXTURE_DIR "/variants/os/usr-lib-only");
  SourceContext fallback{&usr_lib};
  const SampleRecorder ubuntu = CollectOk(*MakeOsSource(fallback).value());
  CHECK(ubuntu.samples.at("node_os_version{id=\"ubuntu\",id_like=\"debian\",name=\"Ubuntu\"}") ==
        22.04);
  CHECK(ubuntu.samples.size() == 2);

  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeOsSource(empty).value()->Collect(none)));
  CHECK(none.adds == 0);
}

TEST_CASE("os source reads os-release at its refresh interval, not every collection",
          "[agent][sources][os]") {
  testing::ScopedTempDir root;
  root.Write("etc/os-release", "ID=debian\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n");
  const common::FsRoot fs("/nonexistent", "/nonexistent", root.path());
  testing::FakeClock clock;
  SourceContext ctx{&fs};
  auto source = MakeOsSourceWithClock(ctx, &clock).value();
  const std::string version =
      "node_os_version{id=\"debian\",id_like=\"\",name=\"Debian GNU/Linux\"}";
  CHECK(CollectOk(*source).samples.at(version) == 12);

  // A distribution upgrade rewrites the file: seen at the refresh, not before.
  root.Write("etc/os-release", "ID=debian\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"13\"\n");
  clock.Advance(kOsReleaseRefresh - absl::Seconds(1));
  CHECK(CollectOk(*source).samples.at(version) == 12);
  clock.Advance(absl::Seconds(1));
  CHECK(CollectOk(*source).samples.at(version) == 13);

  // /etc/os-release removed: the fallback is read at the next refresh.
  REQUIRE(std::remove(root.File("etc/os-release").c_str()) == 0);
  root.Write("usr/lib/os-release", "ID=debian\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"14\"\n");
  clock.Advance(kOsReleaseRefresh);
  CHECK(CollectOk(*source).samples.at(version) == 14);

  // A file that does not parse fails every collection until it is fixed and refreshed.
  root.Write("usr/lib/os-release", "no equals sign\n");
  clock.Advance(kOsReleaseRefresh);
  SampleRecorder bad;
  absl::Status s = source->Collect(bad);
  CHECK(absl::IsInvalidArgument(s));
  CHECK(s.message().find("usr/lib/os-release") != std::string::npos);
  CHECK(absl::IsInvalidArgument(source->Collect(bad)));
  CHECK(bad.adds == 0);
}

}  // namespace
}  // namespace hostmon::agent
