// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <string>

#include "agent/agent_config.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

struct Loaded {
  absl::Status status;
  AgentConfig config;
  std::string path;
};

Loaded Load(const std::string& yaml) {
  testing::ScopedTempDir dir;
  Loaded l;
  l.path = dir.Write("agent.yaml", yaml);
  l.status = LoadAgentConfigFile(l.path, &l.config);
  return l;
}

TEST_CASE("Spool and collector address list load from the config", "[spool][config]") {
  Loaded l = Load(
      "collector:\n"
      "  addresses: [a:1, b:2]\n"
      "spool:\n"
      "  directory: /var/lib/hostmon/spool\n"
      "  max_bytes: 1048576\n"
      "  max_age: 2h\n"
      "  segment_bytes: 65536\n"
      "  fsync: always\n"
      "  fsync_interval: 250ms\n"
      "  replay_rate: 2.5\n");
  REQUIRE(l.status.ok());
  CHECK(CollectorTargets(l.config) == std::vector<std::string>{"a:1", "b:2"});
  CHECK(l.config.spool.directory == "/var/lib/hostmon/spool");
  CHECK(l.config.spool.max_bytes == 1048576);
  CHECK(l.config.spool.max_age == absl::Hours(2));
  CHECK(l.config.spool.segment_bytes == 65536);
  CHECK(l.config.spool.fsync == "always");
  CHECK(l.config.spool.fsync_interval == absl::Milliseconds(250));
  CHECK(l.config.spool.replay_rate == 2.5);
  CHECK(ValidateAgentConfig(l.config).ok());
}

TEST_CASE("Without a spool section the agent keeps the in-memory queue", "[spool][config]") {
  Loaded l = Load("collector:\n  address: c:9\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.spool.directory.empty());
  CHECK(CollectorTargets(l.config) == std::vector<std::string>{"c:9"});
}

TEST_CASE("collector.order hash: rendezvous order per host, even spread, minimal moves",
          "[spool][config]") {
  const std::vector<std::string> three = {"c0:9710", "c1:9710", "c2:9710"};
  // Golden orders, also computed by tests/e2e/multi_collector_test.py's Python version of the
  // documented algorithm: agents of any version and machine must agree.
  CHECK(RendezvousOrder(three, "web1") ==
        std::vector<std::string>{"c1:9710", "c2:9710", "c0:9710"});
  CHECK(RendezvousOrder(three, "db-7") ==
        std::vector<std::string>{"c0:9710", "c2:9710", "c1:9710"});
  CHECK(RendezvousOrder(three, "mc-00") ==
        std::vector<std::string>{"c2:9710", "c0:9710", "c1:9710"});
  std::map<std::string, int> first;
  int moved_needlessly = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string host = "host-" + std::to_string(i);
    const std::vector<std::string> order = RendezvousOrder(three, host);
    ++first[order[0]];
    // Without c1, a host moves only if c1 was its collector, and then to its second choice.
    const std::vector<std::string> two = RendezvousOrder({"c0:9710", "c2:9710"}, host);
    const std::string expected = order[0] == "c1:9710" ? order[1] : order[0];
    if (two[0] != expected) ++moved_needlessly;
  }
  CHECK(moved_needlessly == 0);
  for (const auto& [address, n] : first) {
    INFO(address << ": " << n);
    CHECK(n > 900);
    CHECK(n < 1100);
  }

  Loaded l = Load(
      "hostname: web1\ncollector:\n  addresses: [c0:9710, c1:9710, c2:9710]\n"
      "  order: hash\n");
  REQUIRE(l.status.ok());
  CHECK(CollectorTargets(l.config) == RendezvousOrder(three, "web1"));
  l.config.collector_order = "listed";
  CHECK(CollectorTargets(l.config) == three);
  l.config.collector_order = "random";
  absl::Status bad = ValidateAgentConfig(l.config);
  CHECK(absl::IsInvalidArgument(bad));
  CHECK(std::string(bad.message()).find("collector.order") != std::string::npos);
}

TEST_CASE("Bad spool values are reported with file, line and field", "[spool][config]") {
  struct Case {
    const char* yaml;
    int line;
    const char* field;
  } cases[] = {
      {"spool:\n  fsync: sometimes\n", 2, "spool.fsync"},
      {"spool:\n  directory: /x\n  max_bytes: 10\n", 3, "spool.max_bytes"},
      {"spool:\n  segment_bytes: 1\n", 2, "spool.segment_bytes"},
      {"spool:\n  replay_rate: fast\n", 2, "spool.replay_rate"},
      {"spool:\n  replay_rate: 0\n", 2, "spool.replay_rate"},
      {"spool:\n  max_age: forever\n", 2, "spool.max_age"},
      {"spool:\n  directry: /x\n", 2, "spool.directry"},
      {"collector:\n  addresses: [a:1, \"\"]\n", 2, "collector.addresses"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    Loaded l = Load(c.yaml);
    REQUIRE_FALSE(l.status.ok());
    std::string msg(l.status.message());
    CHECK_THAT(msg, Catch::Contains(l.path + ":" + std::to_string(c.line)));
    CHECK_THAT(msg, Catch::Contains(c.field));
  }
}

}  // namespace
}  // namespace hostmon::agent
