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

TEST_CASE("nvme source reports the fixture like node_exporter 1.12", "[agent][nvme]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeNvmeSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  // 2 controllers, each with one namespace (5 series each).
  REQUIRE(out.samples.size() == 2 + 2 * 5);
  CHECK(out.Get("node_nvme_info{device=\"nvme0\",firmware_revision=\"2B2QEXM7\",model=\"Samsung "
                "SSD 970 EVO Plus 1TB\",serial=\"S4EWNX0R123456A\",state=\"live\",cntlid=\"4\"}") ==
        1);
  CHECK(
      out.Get("node_nvme_info{device=\"nvme1\",firmware_revision=\"VDV10131\",model=\"INTEL "
              "SSDPE2KX010T8\",serial=\"BTLJ90520ABC1P0FGN\",state=\"resetting\",cntlid=\"0\"}") ==
      1);
  CHECK(out.types["node_nvme_info"] == kGauge);
  // nvme0n1: no ana_state file (no multipath); sizes in logical blocks of 512 bytes.
  CHECK(out.Get("node_nvme_namespace_info{ana_state=\"unknown\",device=\"nvme0\",nsid=\"1\"}") ==
        1);
  CHECK(out.Get("node_nvme_namespace_size_bytes{device=\"nvme0\",nsid=\"1\"}") ==
        1953525168.0 * 512);
  CHECK(out.Get("node_nvme_namespace_capacity_bytes{device=\"nvme0\",nsid=\"1\"}") ==
        1953525168.0 * 512);
  CHECK(out.Get("node_nvme_namespace_used_bytes{device=\"nvme0\",nsid=\"1\"}") == 12345678.0 * 512);
  CHECK(out.Get("node_nvme_namespace_logical_block_size_bytes{device=\"nvme0\",nsid=\"1\"}") ==
        512);
  CHECK(out.Get("node_nvme_namespace_info{ana_state=\"optimized\",device=\"nvme1\",nsid=\"2\"}") ==
        1);
  CHECK(out.Get("node_nvme_namespace_used_bytes{device=\"nvme1\",nsid=\"2\"}") == 0);
  CHECK(out.help["node_nvme_namespace_info"] ==
        "Information about NVMe namespaces. Value is always 1");
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

  // Without cntlid (older kernels) the label is empty rather than the controller lost.
  dir.Write("class/nvme/nvme0/state", "live\n");
  testing::SampleRecorder again;
  REQUIRE(source->Collect(again).ok());
  CHECK(
      again.Get("node_nvme_info{device=\"nvme0\",firmware_revision=\"1\",model=\"m\",serial=\"s\","
                "state=\"live\",cntlid=\"\"}") == 1);

  dir.Write("class/nvme/nvme0/cntlid", "  33\n");
  testing::SampleRecorder with_cntlid;
  REQUIRE(source->Collect(with_cntlid).ok());
  CHECK(with_cntlid.Get("node_nvme_info{device=\"nvme0\",firmware_revision=\"1\",model=\"m\","
                        "serial=\"s\",state=\"live\",cntlid=\"33\"}") == 1);

  // A namespace missing a required file fails the collection, naming the file (as procfs).
  dir.Write("class/nvme/nvme0/nvme0n1/nuse", "10\n");
  dir.Write("class/nvme/nvme0/nvme0n1/queue/logical_block_size", "4096\n");
  testing::SampleRecorder no_size;
  const absl::Status ns_status = source->Collect(no_size);
  CHECK(ns_status.message().find("nvme0n1/size") != absl::string_view::npos);

  // Numbers that do not parse count as 0, as procfs.
  dir.Write("class/nvme/nvme0/nvme0n1/size", "garbage\n");
  testing::SampleRecorder bad_size;
  REQUIRE(source->Collect(bad_size).ok());
  CHECK(bad_size.Get("node_nvme_namespace_size_bytes{device=\"nvme0\",nsid=\"1\"}") == 0);
  CHECK(bad_size.Get("node_nvme_namespace_used_bytes{device=\"nvme0\",nsid=\"1\"}") == 40960);
}

}  // namespace
}  // namespace hostmon::agent
