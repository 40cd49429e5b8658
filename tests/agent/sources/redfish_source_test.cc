// SPDX-License-Identifier: Apache-2.0
// The redfish source's factory and its failure modes without a network (the HTTP paths are
// covered by tests/redfish/redfish_test.py against the Redfish test server).
#include "agent/sources/redfish/redfish_source.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

absl::StatusOr<SourcePtr> Make(std::map<std::string, std::string> options) {
  return MakeRedfishSource(testing::TestContext("redfish", common::FsRoot(), std::move(options)));
}

TEST_CASE("redfish source without a targets file fails each collection with the reason",
          "[redfish]") {
  auto src = Make({{"metrics-prefix", "redfish"}});
  REQUIRE(src.ok());
  testing::SampleRecorder rec;
  absl::Status s = (*src)->Collect(rec);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(s.message()).find("--source.redfish.config") != std::string::npos);
  CHECK(rec.samples.empty());
}

TEST_CASE("redfish source: bad options and targets files are startup errors", "[redfish]") {
  testing::ScopedTempDir dir;
  auto prefix = Make({{"metrics-prefix", "bad prefix"}});
  REQUIRE_FALSE(prefix.ok());
  CHECK(std::string(prefix.status().message())
            .find("source redfish: option \"metrics-prefix\": \"bad prefix\"") == 0);

  auto missing = Make({{"metrics-prefix", "redfish"}, {"config", dir.File("nope.yml")}});
  REQUIRE_FALSE(missing.ok());
  CHECK(std::string(missing.status().message()).find("cannot read the redfish config") !=
        std::string::npos);

  std::ofstream(dir.File("empty.yml")) << "targets: []\n";
  auto empty = Make({{"metrics-prefix", "redfish"}, {"config", dir.File("empty.yml")}});
  REQUIRE_FALSE(empty.ok());
  CHECK(std::string(empty.status().message()).find("lists no targets") != std::string::npos);
}

TEST_CASE("redfish source: an unreachable target is redfish_up 0 with target labels", "[redfish]") {
  testing::ScopedTempDir dir;
  // Port 9 on loopback (discard) is closed on a test machine: connection refused at once.
  std::ofstream(dir.File("t.yml"))
      << "targets:\n  - {name: gone, url: 'http://127.0.0.1:9', auth: none, timeout: 1s, "
         "deadline: 2s, labels: {host: h1}}\n";
  auto src = Make({{"metrics-prefix", "idrac"}, {"config", dir.File("t.yml")}});
  REQUIRE(src.ok());
  testing::SampleRecorder rec;
  absl::Status s = (*src)->Collect(rec);
  CHECK(s.code() == absl::StatusCode::kUnavailable);
  CHECK(std::string(s.message()).find("targets down: gone") == 0);
  CHECK(rec.Get(R"(idrac_up{target="gone",host="h1"})") == 0);
  CHECK(rec.Get(R"(idrac_collection_errors{target="gone",host="h1"})") == 0);
  CHECK(rec.Get(R"(hostmon_agent_source_member_collisions_total{source="redfish"})") == 0);
  CHECK(rec.samples.size() == 3 + 1);  // the target's three, the source's collision counter
}

}  // namespace
}  // namespace hostmon::agent
