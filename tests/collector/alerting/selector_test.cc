// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/selector.h"

#include <catch2/catch.hpp>

namespace hostmon::collector::alerting {
namespace {

TEST_CASE("Selectors parse PromQL matcher syntax", "[alerting]") {
  absl::StatusOr<Selector> s = ParseSelector(R"(node_x{a="1", b!="2",c=~"d.*" ,e!~'f'})");
  REQUIRE(s.ok());
  CHECK(s->MatchesName("node_x"));
  CHECK_FALSE(s->MatchesName("node_y"));
  CHECK(s->MatchesLabels({{"a", "1"}, {"b", "3"}, {"c", "dd"}, {"e", "g"}}));
  CHECK_FALSE(s->MatchesLabels({{"a", "1"}, {"b", "2"}, {"c", "dd"}}));
  CHECK_FALSE(s->MatchesLabels({{"a", "1"}, {"c", "xd"}}));
  // An absent label is the empty string.
  CHECK_FALSE(s->MatchesLabels({{"c", "d"}}));
  CHECK_FALSE(ParseSelector("node_x{a=1}").ok());
  CHECK_FALSE(ParseSelector("node_x{a=\"1\"").ok());
  CHECK_FALSE(ParseSelector("node_x{a==\"1\"}").ok());
  CHECK_FALSE(ParseSelector("node_x trailing").ok());
  CHECK_FALSE(ParseSelector("{__name__!=\"x\"}").ok());
}

}  // namespace
}  // namespace hostmon::collector::alerting
