// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/fs_root.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("edac over the fixture tree", "[agent][edac]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeEdacSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  CHECK(s.size() == 14 + 3);
  CHECK(s.at("node_edac_correctable_errors_total{controller=\"0\"}") == 5);
  CHECK(s.at("node_edac_uncorrectable_errors_total{controller=\"0\"}") == 1);
  CHECK(s.at("node_edac_correctable_errors_total{controller=\"1\"}") == 0);
  CHECK(s.at("node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"0\"}") == 3);
  CHECK(s.at("node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"1\"}") == 1);
  CHECK(s.at("node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"unknown\"}") == 1);
  CHECK(s.at("node_edac_csrow_uncorrectable_errors_total{controller=\"0\",csrow=\"0\"}") == 1);
  CHECK(w.types.at("node_edac_correctable_errors_total") == kCounter);
  // node_exporter 1.12's per-channel counters, labelled with the cleaned DIMM label.
  CHECK(s.at("node_edac_channel_correctable_errors_total{channel=\"0\",controller=\"0\",csrow="
             "\"0\",dimm_label=\"CPU_SrcID0_Ha0_Chan0_DIMM0\"}") == 2);
  CHECK(s.at("node_edac_channel_uncorrectable_errors_total{channel=\"0\",controller=\"0\",csrow="
             "\"0\",dimm_label=\"CPU_SrcID0_Ha0_Chan0_DIMM0\"}") == 1);
  // Channel 1 has neither a label file nor a ue_count.
  CHECK(s.at("node_edac_channel_correctable_errors_total{channel=\"1\",controller=\"0\",csrow="
             "\"0\",dimm_label=\"unknown\"}") == 1);
  CHECK(w.types.at("node_edac_channel_uncorrectable_errors_total") == kCounter);
  CHECK(w.help.at("node_edac_channel_correctable_errors_total") ==
        "Total correctable memory errors for this channel.");
}

TEST_CASE("edac channels: listed once per csrow, labels and counters read every time",
          "[agent][edac]") {
  testing::ScopedTempDir dir;
  const std::string mc = "devices/system/edac/mc/mc0/";
  for (const char* f : {"ce_count", "ce_noinfo_count", "ue_count", "ue_noinfo_count",
                        "csrow0/ce_count", "csrow0/ue_count"}) {
    dir.Write(mc + f, "0\n");
  }
  dir.Write(mc + "csrow0/ch0_ce_count", "4\n");
  dir.Write(mc + "csrow0/ch0_dimm_label", "mc0csrow0channel0\n");
  dir.Write(mc + "csrow0/chx_ce_count", "9\n");  // no channel number: ignored
  const common::FsRoot fs(dir.File("proc"), dir.path(), dir.File("rootfs"));
  SourcePtr source = MakeEdacSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder first;
  REQUIRE(source->Collect(first).ok());
  CHECK(first.samples.at("node_edac_channel_correctable_errors_total{channel=\"0\",controller="
                         "\"0\",csrow=\"0\",dimm_label=\"mc0_csrow0_channel0\"}") == 4);
  CHECK(first.Count("node_edac_channel_") == 1);

  dir.Write(mc + "csrow0/ch0_ce_count", "5\n");
  dir.Write(mc + "csrow0/ch0_dimm_label", "DIMM_A1\n");  // set by edac-ctl after boot
  dir.Write(mc + "csrow0/ch1_ce_count", "1\n");          // a new file is not listed again
  testing::SampleRecorder second;
  REQUIRE(source->Collect(second).ok());
  CHECK(second.samples.at("node_edac_channel_correctable_errors_total{channel=\"0\",controller="
                          "\"0\",csrow=\"0\",dimm_label=\"DIMM_A1\"}") == 5);
  CHECK(second.Count("node_edac_channel_") == 1);

  dir.Write(mc + "csrow0/ch0_ce_count", "x\n");
  testing::SampleRecorder bad;
  const absl::Status status = source->Collect(bad);
  CHECK(status.message().find("ch0_ce_count") != absl::string_view::npos);
}

TEST_CASE("edac without /sys/devices/system/edac is NotFound", "[agent][edac]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeEdacSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  CHECK(absl::IsNotFound(source->Collect(w)));
  CHECK(w.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
