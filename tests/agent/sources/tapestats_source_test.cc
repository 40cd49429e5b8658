// SPDX-License-Identifier: Apache-2.0
//
// The tapestats source over node_exporter's fixture drive (tests/fixtures/sys/class/scsi_tape)
// and edge cases: aliases skipped, missing attributes as 0, the ignore option, bad values.
#include "agent/sources/tapestats/tapestats_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("tapestats source exports st0, not its nst0 alias", "[agent][tapestats]") {
  const common::FsRoot fs = testing::FixtureRoot();
  testing::SampleRecorder out;
  REQUIRE(MakeTapestatsSource(testing::TestContext("tapestats", fs)).value()->Collect(out).ok());
  CHECK(out.samples.size() == 10);
  CHECK(out.Count("node_tape_io_now{device=\"st0\"}") == 1);
  CHECK(out.Count("node_tape_io_now{device=\"nst0\"}") == 0);
  CHECK(out.Get("node_tape_io_time_seconds_total{device=\"st0\"}") == Approx(9247.01108772));
  CHECK(out.types["node_tape_io_time_seconds_total"] == kCounter);
  CHECK(out.types["node_tape_io_now"] == kGauge);

  testing::SampleRecorder none;
  REQUIRE(MakeTapestatsSource(testing::TestContext("tapestats", fs, {{"ignored-devices", "^st0$"}}))
              .value()
              ->Collect(none)
              .ok());
  CHECK(none.samples.empty());
}

TEST_CASE("tapestats source: missing attribute is 0, a bad one an error, no class NotFound",
          "[agent][tapestats]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  SourcePtr source = MakeTapestatsSource(testing::TestContext("tapestats", fs)).value();
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));
  dir.Write("sys/class/scsi_tape/st1/stats/read_cnt", "7\n");
  testing::SampleRecorder one;
  REQUIRE(source->Collect(one).ok());
  CHECK(one.Get("node_tape_reads_completed_total{device=\"st1\"}") == 7);
  CHECK(one.Get("node_tape_write_time_seconds_total{device=\"st1\"}") == 0);
  dir.Write("sys/class/scsi_tape/st1/stats/read_cnt", "seven\n");
  CHECK(source->Collect(one).message().find("st1/stats/read_cnt") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent
