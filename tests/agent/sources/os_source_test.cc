// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/os/os_source.h"

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

}  // namespace
}  // namespace hostmon::agent
