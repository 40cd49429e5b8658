// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/member_collisions.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

TEST_CASE("MemberCollisions counts every collision of every collection, per source",
          "[agent][redfish][ipmi][smart]") {
  MemberCollisions c("redfish");
  testing::SampleRecorder none;
  c.Write(none);
  CHECK(none.Get(R"(hostmon_agent_source_member_collisions_total{source="redfish"})") == 0);
  CHECK(none.types.at("hostmon_agent_source_member_collisions_total") == kCounter);
  const std::vector<std::string> two = {"bmc1: PowerSupplies: member /a repeats id \"1\"",
                                        "bmc1: PowerSupplies: member /b repeats id \"1\""};
  c.Record(two);
  c.Record(two);  // the same firmware quirk next collection: counted again, logged once
  c.Record({});
  testing::SampleRecorder w;
  c.Write(w);
  CHECK(c.total() == 4);
  CHECK(w.Get(R"(hostmon_agent_source_member_collisions_total{source="redfish"})") == 4);
}

}  // namespace
}  // namespace hostmon::agent
