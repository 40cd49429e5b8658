// SPDX-License-Identifier: Apache-2.0
//
// SourceContext's typed option accessors (agent/source.cc): one parser, one error wording.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agent/source.h"
#include "re2/re2.h"

namespace hostmon::agent {
namespace {

struct Options {
  explicit Options(std::map<std::string, std::string> values) : values(std::move(values)) {
    ctx.options = &this->values;
    ctx.source = "netdev";
  }
  std::map<std::string, std::string> values;
  SourceContext ctx;
};

std::string Error(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("SourceContext::Regex compiles RE2, empty is none", "[agent][options]") {
  Options o({{"device-exclude", "^lo$"}, {"empty", ""}, {"bad", "("}, {"perl", "(?<=a)b"}});
  auto re = o.ctx.Regex("device-exclude");
  REQUIRE(re.ok());
  REQUIRE(*re != nullptr);
  CHECK(RE2::PartialMatch("lo", **re));
  CHECK_FALSE(RE2::PartialMatch("lo0", **re));
  auto empty = o.ctx.Regex("empty");
  REQUIRE(empty.ok());
  CHECK(*empty == nullptr);
  auto absent = o.ctx.Regex("absent");
  REQUIRE(absent.ok());
  CHECK(*absent == nullptr);
  CHECK(Error(o.ctx.Regex("bad").status()) ==
        "source netdev: option \"bad\": invalid regexp \"(\": missing ): (");
  // Go's regexp (RE2) has no look-behind; neither has this.
  CHECK(absl::IsInvalidArgument(o.ctx.Regex("perl").status()));
}

TEST_CASE("SourceContext::Duration parses Go durations above a minimum", "[agent][options]") {
  Options o({{"t", "1m30s"}, {"ms", "50ms"}, {"bad", "5 parsecs"}, {"zero", "0s"}, {"empty", ""}});
  CHECK(*o.ctx.Duration("t") == absl::Seconds(90));
  CHECK(*o.ctx.Duration("ms") == absl::Milliseconds(50));
  CHECK(Error(o.ctx.Duration("bad").status()) ==
        "source netdev: option \"bad\": invalid duration \"5 parsecs\" (want a positive duration "
        "like \"10s\")");
  CHECK(absl::IsInvalidArgument(o.ctx.Duration("zero").status()));
  CHECK(absl::IsInvalidArgument(o.ctx.Duration("empty").status()));
  CHECK(Error(o.ctx.Duration("ms", absl::Milliseconds(100)).status()) ==
        "source netdev: option \"ms\": invalid duration \"50ms\" (want at least 100ms like "
        "\"10s\")");
  Options inf(std::map<std::string, std::string>{{"t", "inf"}});
  CHECK(absl::IsInvalidArgument(inf.ctx.Duration("t").status()));
}

TEST_CASE("SourceContext::Int, Bool and List", "[agent][options]") {
  Options o({{"n", "4"},
             {"big", "65"},
             {"word", "four"},
             {"yes", "true"},
             {"no", "false"},
             {"maybe", "yes"},
             {"list", " ipmi, chassis,,sel "},
             {"none", ""}});
  CHECK(*o.ctx.Int("n", 1, 64) == 4);
  CHECK(Error(o.ctx.Int("big", 1, 64).status()) ==
        "source netdev: option \"big\": invalid integer \"65\" (want 1 to 64)");
  CHECK(absl::IsInvalidArgument(o.ctx.Int("word", 1, 64).status()));
  CHECK(*o.ctx.Bool("yes"));
  CHECK_FALSE(*o.ctx.Bool("no"));
  CHECK(Error(o.ctx.Bool("maybe").status()) ==
        "source netdev: option \"maybe\": invalid boolean \"yes\" (want true or false)");
  CHECK(absl::IsInvalidArgument(o.ctx.Bool("none").status()));
  CHECK(o.ctx.List("list") == std::vector<std::string>{"ipmi", "chassis", "sel"});
  CHECK(o.ctx.List("none").empty());
  CHECK(Error(o.ctx.OptionError("local", "want auto, true or false")) ==
        "source netdev: option \"local\": want auto, true or false");
}

TEST_CASE("SourceContext::WorkBudget leaves a tenth of the deadline, at most 2s",
          "[agent][options]") {
  SourceContext ctx;
  CHECK(ctx.WorkBudget() == absl::InfiniteDuration());  // the fast cycle
  ctx.deadline = absl::Seconds(2);
  CHECK(ctx.WorkBudget() == absl::Milliseconds(1800));
  ctx.deadline = absl::Seconds(8);
  CHECK(ctx.WorkBudget() == absl::Milliseconds(7200));
  ctx.deadline = absl::Seconds(50);
  CHECK(ctx.WorkBudget() == absl::Seconds(48));
}

}  // namespace
}  // namespace hostmon::agent
