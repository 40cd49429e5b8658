// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/stat/stat_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;
using Samples = std::map<std::string, double>;

const common::FsRoot kFixtures = testing::FixtureRoot();
const common::FsRoot kEmpty = testing::EmptyRoot();

TEST_CASE("stat source exports /proc/stat's counters", "[agent][sources][stat]") {
  const testing::TestContext ctx("stat", kFixtures);
  SourcePtr source = MakeStatSource(ctx).value();
  const SampleRecorder rec = CollectOk(*source);
  CHECK(rec.samples == Samples{
                           {"node_boot_time_seconds", 1795274682},
                           {"node_context_switches_total", 280676},
                           {"node_forks_total", 4352},
                           {"node_intr_total", 162115},
                           {"node_procs_blocked", 0},
                           {"node_procs_running", 1},
                       });
  CHECK(rec.types.at("node_boot_time_seconds") == kGauge);
  CHECK(rec.types.at("node_forks_total") == kCounter);
  CHECK(rec.help.at("node_intr_total") == "Total number of interrupts serviced.");

  const testing::TestContext empty("stat", kEmpty);
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeStatSource(empty).value()->Collect(none)));
  CHECK(none.adds == 0);
}

TEST_CASE("stat source exports the softirq line per vector with the softirq option",
          "[agent][sources][stat]") {
  const testing::TestContext ctx("stat", kFixtures, {{"softirq", "true"}});
  const SampleRecorder rec = CollectOk(*MakeStatSource(ctx).value());
  // tests/fixtures/proc/stat: softirq 86376 0 7992 4 2410 34243 0 3 24604 0 17120
  CHECK(rec.samples.at("node_softirqs_total{vector=\"hi\"}") == 0);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"timer\"}") == 7992);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"net_tx\"}") == 4);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"net_rx\"}") == 2410);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"block\"}") == 34243);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"block_iopoll\"}") == 0);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"tasklet\"}") == 3);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"sched\"}") == 24604);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"hrtimer\"}") == 0);
  CHECK(rec.samples.at("node_softirqs_total{vector=\"rcu\"}") == 17120);
  CHECK(rec.samples.size() == 6 + 10);
  CHECK(rec.types.at("node_softirqs_total") == kCounter);
  CHECK(rec.help.at("node_softirqs_total") == "Number of softirq calls.");

  const testing::TestContext bad("stat", kFixtures, {{"softirq", "yes"}});
  CHECK(absl::IsInvalidArgument(MakeStatSource(bad).status()));
}

TEST_CASE("stat source with the softirq option: a file without the line, a cut or bad line",
          "[agent][sources][stat]") {
  const std::string base = "cpu  1 2 3 4\nctxt 5\n";
  struct Case {
    std::string softirq;
    bool ok;
    size_t samples;
  } cases[] = {
      {"", true, 1},  // no softirq line: only ctxt, no error
      {"softirq 10 1 2 3 4 5 6 7 8 9 10\n", true, 11},
      {"softirq 10 1 2 3 4 5 6 7 8 9 10 11\n", true, 11},  // a future vector is ignored
      {"softirq 10 1 2 3\n", false, 0},                    // cut
      {"softirq 10 1 2 x 4 5 6 7 8 9 10\n", false, 0},     // bad number
  };
  for (const Case& c : cases) {
    INFO(c.softirq);
    testing::ScopedTempDir dir;
    dir.Write("proc/stat", base + c.softirq);
    const testing::TestContext ctx(
        "stat", common::FsRoot(dir.File("proc"), dir.File("sys"), dir.File("rootfs")),
        {{"softirq", "true"}});
    SampleRecorder rec;
    const absl::Status s = MakeStatSource(ctx).value()->Collect(rec);
    CHECK(s.ok() == c.ok);
    if (c.ok) CHECK(rec.samples.size() == c.samples);
    if (!c.ok) CHECK_THAT(std::string(s.message()), Catch::Contains("/proc/stat"));
  }
}

}  // namespace
}  // namespace hostmon::agent
