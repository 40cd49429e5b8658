// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/vmstat/vmstat_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;
using Samples = std::map<std::string, double>;

const common::FsRoot kFixtures = testing::FixtureRoot();
const common::FsRoot kEmpty = testing::EmptyRoot();

TEST_CASE("vmstat source filters fields like node_exporter", "[agent][sources][vmstat]") {
  const testing::TestContext ctx("vmstat", kFixtures);
  auto source = MakeVmstatSource(ctx);
  REQUIRE(source.ok());
  const SampleRecorder rec = CollectOk(**source);
  CHECK(rec.samples == Samples{
                           {"node_vmstat_oom_kill", 0},
                           {"node_vmstat_pgfault", 39497884},
                           {"node_vmstat_pgmajfault", 806},
                           {"node_vmstat_pgpgin", 1168061},
                           {"node_vmstat_pgpgout", 5536440},
                           {"node_vmstat_pswpin", 0},
                           {"node_vmstat_pswpout", 0},
                       });
  CHECK(rec.types.at("node_vmstat_pgfault") == kUntyped);
  CHECK(rec.help.at("node_vmstat_pgfault") == "/proc/vmstat information field pgfault.");

  const testing::TestContext custom("vmstat", kFixtures, {{"fields", "^nr_free_pages$"}});
  auto only = MakeVmstatSource(custom);
  REQUIRE(only.ok());
  CHECK(CollectOk(**only).samples == Samples{{"node_vmstat_nr_free_pages", 1045211}});

  const testing::TestContext invalid("vmstat", kFixtures, {{"fields", "(pg"}});
  CHECK(absl::IsInvalidArgument(MakeVmstatSource(invalid).status()));

  const testing::TestContext empty("vmstat", kEmpty);
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeVmstatSource(empty).value()->Collect(none)));
}

}  // namespace
}  // namespace hostmon::agent
