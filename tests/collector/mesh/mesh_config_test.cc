// SPDX-License-Identifier: Apache-2.0
// The collector's `mesh:` section (docs/mesh.md).
#include <catch2/catch.hpp>
#include <string>

#include "collector/collector_config.h"
#include "fakes/temp_dir.h"

namespace hostmon::collector {
namespace {

absl::Status Load(const std::string& yaml, CollectorConfig* c) {
  testing::ScopedTempDir dir;
  return LoadCollectorConfigFile(dir.Write("collector.yaml", yaml), c);
}

TEST_CASE("Collector mesh config: off by default, every key read", "[collector][config][mesh]") {
  CollectorConfig c;
  CHECK_FALSE(c.mesh.enabled);
  CHECK(c.mesh.group_label == "dc");
  CHECK(c.mesh.slow_rtt["intra_dc"] == absl::Milliseconds(1));
  REQUIRE(Load(R"(mesh:
  enabled: true
  max_peers_per_agent: 8
  rotation_interval: 2m
  group_label: zone
  regions: {fra1: eu, sfo1: us}
  window: 1m
  slow_rtt: {intra_dc: 2ms, global: 150ms}
  slow_loss_ratio: 0.25
)",
               &c)
              .ok());
  CHECK(c.mesh.enabled);
  CHECK(c.mesh.max_peers_per_agent == 8);
  CHECK(c.mesh.rotation_interval == absl::Minutes(2));
  CHECK(c.mesh.group_label == "zone");
  CHECK(c.mesh.regions.at("sfo1") == "us");
  CHECK(c.mesh.window == absl::Minutes(1));
  CHECK(c.mesh.slow_rtt["intra_dc"] == absl::Milliseconds(2));
  CHECK(c.mesh.slow_rtt["regional"] == absl::Milliseconds(30));
  CHECK(c.mesh.slow_rtt["global"] == absl::Milliseconds(150));
  CHECK(c.mesh.slow_loss_ratio == 0.25);
  CHECK(ValidateCollectorConfig(c).ok());
}

TEST_CASE("Collector mesh config: bad values are named", "[collector][config][mesh]") {
  CollectorConfig c;
  CHECK_THAT(std::string(Load("mesh:\n  max_peers_per_agent: 0\n", &c).message()),
             Catch::Contains("mesh.max_peers_per_agent"));
  CHECK_THAT(std::string(Load("mesh:\n  slow_rtt: {lan: 1ms}\n", &c).message()),
             Catch::Contains("mesh.slow_rtt.lan"));
  CHECK_THAT(std::string(Load("mesh:\n  slow_loss_ratio: 2\n", &c).message()),
             Catch::Contains("mesh.slow_loss_ratio"));
  CollectorConfig bad;
  bad.mesh.enabled = true;
  bad.mesh.group_label = "no such";
  CHECK_THAT(std::string(ValidateCollectorConfig(bad).message()),
             Catch::Contains("mesh.group_label"));
}

}  // namespace
}  // namespace hostmon::collector
