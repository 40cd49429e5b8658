// SPDX-License-Identifier: Apache-2.0
// The agent's `mesh:` section (docs/mesh.md).
#include <catch2/catch.hpp>
#include <string>

#include "agent/agent_config.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

absl::Status Load(const std::string& yaml, AgentConfig* c) {
  testing::ScopedTempDir dir;
  return LoadAgentConfigFile(dir.Write("agent.yaml", yaml), c);
}

TEST_CASE("Agent mesh config: off by default, every key read", "[agent][config][mesh]") {
  AgentConfig c;
  CHECK(c.mesh.listen_address.empty());
  REQUIRE(Load("mesh:\n  listen_address: \"127.0.0.2:9713\"\n  announce_address: "
               "\"10.0.0.5:9713\"\n  interval: 5s\n  timeout: 250ms\n",
               &c)
              .ok());
  CHECK(c.mesh.listen_address == "127.0.0.2:9713");
  CHECK(c.mesh.announce_address == "10.0.0.5:9713");
  CHECK(c.mesh.interval == absl::Seconds(5));
  CHECK(c.mesh.timeout == absl::Milliseconds(250));
  CHECK(ValidateAgentConfig(c).ok());
}

TEST_CASE("Agent mesh config: bad values are named", "[agent][config][mesh]") {
  AgentConfig c;
  absl::Status s = Load("mesh:\n  listen: x\n", &c);
  CHECK_THAT(std::string(s.message()), Catch::Contains("mesh.listen"));
  AgentConfig bad;
  bad.mesh.listen_address = "no-port";
  CHECK_THAT(std::string(ValidateAgentConfig(bad).message()),
             Catch::Contains("mesh.listen_address"));
  AgentConfig slow;
  slow.mesh.listen_address = "127.0.0.1:0";
  slow.mesh.timeout = absl::Seconds(30);
  CHECK_THAT(std::string(ValidateAgentConfig(slow).message()), Catch::Contains("mesh.timeout"));
  AgentConfig wildcard;
  wildcard.mesh.listen_address = "0.0.0.0:9713";
  CHECK_THAT(std::string(ValidateAgentConfig(wildcard).message()),
             Catch::Contains("set mesh.announce_address"));
  wildcard.mesh.announce_address = "10.0.0.5:9713";
  CHECK(ValidateAgentConfig(wildcard).ok());
  AgentConfig orphan;
  orphan.mesh.announce_address = "10.0.0.5:9713";
  CHECK_THAT(std::string(ValidateAgentConfig(orphan).message()),
             Catch::Contains("mesh.listen_address is not"));
}

}  // namespace
}  // namespace hostmon::agent
