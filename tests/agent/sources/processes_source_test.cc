// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/processes/processes_source.h"

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

TEST_CASE("processes source scans pids and tasks", "[agent][sources][processes]") {
  const SourceContext ctx{&kFixtures};
  const SampleRecorder rec = CollectOk(*MakeProcessesSource(ctx).value());
  CHECK(rec.samples == Samples{
                           {"node_processes_max_processes", 32768},
                           {"node_processes_max_threads", 192730},
                           {"node_processes_pids", 4},
                           {"node_processes_state{state=\"I\"}", 1},
                           {"node_processes_state{state=\"S\"}", 2},
                           {"node_processes_state{state=\"Z\"}", 1},
                           {"node_processes_threads", 6},
                           {"node_processes_threads_state{thread_state=\"I\"}", 1},
                           {"node_processes_threads_state{thread_state=\"R\"}", 1},
                           {"node_processes_threads_state{thread_state=\"S\"}", 3},
                           {"node_processes_threads_state{thread_state=\"Z\"}", 1},
                       });
  CHECK(rec.help.at("node_processes_pids") == "Number of PIDs");
  const SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeProcessesSource(empty).value()->Collect(none)));
  CHECK(none.adds == 0);
}

}  // namespace
}  // namespace hostmon::agent
