// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mdadm/mdadm_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("mdadm source reports the fixture like node_exporter 1.5.0", "[agent][mdadm]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeMdadmSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.samples.size() == 14 * 11);  // as node_exporter 1.5.0 on the same file
  CHECK(out.Get("node_md_state{device=\"md6\",state=\"recovering\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md6\",state=\"active\"}") == 0);
  CHECK(out.Get("node_md_state{device=\"md9\",state=\"resync\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md201\",state=\"check\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md4\",state=\"inactive\"}") == 1);
  CHECK(out.Get("node_md_state{device=\"md101\",state=\"active\"}") == 1);
  // An auto-read-only array with resync=PENDING counts as resyncing, not active.
  CHECK(out.Get("node_md_state{device=\"md11\",state=\"active\"}") == 0);
  CHECK(out.Get("node_md_state{device=\"md11\",state=\"resync\"}") == 1);
  CHECK(out.Get("node_md_disks{device=\"md6\",state=\"active\"}") == 1);
  CHECK(out.Get("node_md_disks{device=\"md6\",state=\"failed\"}") == 1);
  CHECK(out.Get("node_md_disks{device=\"md8\",state=\"spare\"}") == 2);
  CHECK(out.Get("node_md_disks_required{device=\"md3\"}") == 8);
  CHECK(out.Get("node_md_blocks{device=\"md7\"}") == 7813735424.0);
  CHECK(out.Get("node_md_blocks_synced{device=\"md6\"}") == 16775552);
  CHECK(out.help["node_md_disks"] == "Number of active/failed/spare disks of device.");
}

TEST_CASE("mdadm source is NotFound without /proc/mdstat", "[agent][mdadm]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeMdadmSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
}

}  // namespace
}  // namespace hostmon::agent
