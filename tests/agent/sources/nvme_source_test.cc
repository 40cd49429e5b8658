// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nvme/nvme_source.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

const std::string kFixtures = HOSTMON_FIXTURE_DIR;

TEST_CASE("nvme source reports the fixture like node_exporter 1.5.0", "[agent][nvme]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeNvmeSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  REQUIRE(out.samples.size() == 2);
  CHECK(out.Get("node_nvme_info{device=\"nvme0\",firmware_revision=\"2B2QEXM7\",model=\"Samsung "
                "SSD 970 EVO Plus 1TB\",serial=\"S4EWNX0R123456A\",state=\"live\"}") == 1);
  CHECK(out.Get("node_nvme_info{device=\"nvme1\",firmware_revision=\"VDV10131\",model=\"INTEL "
                "SSDPE2KX010T8\",serial=\"BTLJ90520ABC1P0FGN\",state=\"resetting\"}") == 1);
  CHECK(out.types["node_nvme_info"] == kGauge);
  CHECK(out.help["node_nvme_info"] ==
        "Non-numeric data from /sys/class/nvme/<device>, value is always 1.");
}

TEST_CASE("nvme source is NotFound without /sys/class/nvme", "[agent][nvme]") {
  const common::FsRoot fs(kFixtures + "/proc", kFixtures + "/does-not-exist", "/");
  SourcePtr source = MakeNvmeSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
}

TEST_CASE("nvme source fails naming the file when an attribute is missing", "[agent][nvme]") {
  testing::ScopedTempDir dir;
  REQUIRE(::mkdir(dir.File("class").c_str(), 0755) == 0);
  REQUIRE(::mkdir(dir.File("class/nvme").c_str(), 0755) == 0);
  REQUIRE(::mkdir(dir.File("class/nvme/nvme0").c_str(), 0755) == 0);
  dir.Write("class/nvme/nvme0/firmware_rev", "1\n");
  dir.Write("class/nvme/nvme0/model", "m\n");
  dir.Write("class/nvme/nvme0/serial", "s\n");
  const common::FsRoot fs(kFixtures + "/proc", dir.path(), "/");
  SourcePtr source = MakeNvmeSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  const absl::Status status = source->Collect(out);
  CHECK_FALSE(status.ok());
  CHECK(status.message().find("nvme0/state") != absl::string_view::npos);

  dir.Write("class/nvme/nvme0/state", "live\n");
  testing::SampleRecorder again;
  REQUIRE(source->Collect(again).ok());
  CHECK(
      again.Get("node_nvme_info{device=\"nvme0\",firmware_revision=\"1\",model=\"m\",serial=\"s\","
                "state=\"live\"}") == 1);
}

}  // namespace
}  // namespace hostmon::agent
