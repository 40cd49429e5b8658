// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_source.h"

#include <catch2/catch.hpp>

#include "common/fs_root.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("edac over the fixture tree", "[agent][edac]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeEdacSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  CHECK(s.size() == 14);
  CHECK(s.at("node_edac_correctable_errors_total{controller=\"0\"}") == 5);
  CHECK(s.at("node_edac_uncorrectable_errors_total{controller=\"0\"}") == 1);
  CHECK(s.at("node_edac_correctable_errors_total{controller=\"1\"}") == 0);
  CHECK(s.at("node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"0\"}") == 3);
  CHECK(s.at("node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"1\"}") == 1);
  CHECK(s.at("node_edac_csrow_correctable_errors_total{controller=\"0\",csrow=\"unknown\"}") == 1);
  CHECK(s.at("node_edac_csrow_uncorrectable_errors_total{controller=\"0\",csrow=\"0\"}") == 1);
  CHECK(w.types.at("node_edac_correctable_errors_total") == kCounter);
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
