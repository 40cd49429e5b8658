// SPDX-License-Identifier: Apache-2.0
#include "agent/source_registry.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

std::vector<std::string> Names(const std::vector<const SourceInfo*>& v) {
  std::vector<std::string> out;
  for (const SourceInfo* s : v) out.push_back(s->name);
  return out;
}

// Expectations are derived from the registry itself, so adding a source needs no edit here;
// what is pinned are the rules every entry must follow.
std::vector<std::string> AllNames(bool defaults_only) {
  std::vector<std::string> out;
  for (const SourceInfo& s : BuiltinSources()) {
    if (!defaults_only || s.enabled_by_default) out.push_back(s.name);
  }
  return out;
}

TEST_CASE("Built-in sources are sorted, unique, documented and constructible",
          "[agent][registry]") {
  std::vector<std::string> names = AllNames(false);
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  // The foundation's three sources and node_exporter's off-by-default ones stay as they are.
  for (const char* on : {"cpu", "loadavg", "meminfo"}) {
    CHECK(std::count(names.begin(), names.end(), on) == 1);
  }
  common::FsRoot fs;
  for (const SourceInfo& s : BuiltinSources()) {
    INFO(s.name);
    CHECK_FALSE(s.help.empty());
    for (const SourceOption& o : s.options) {
      CHECK_FALSE(o.name.empty());
      CHECK_FALSE(o.help.empty());
    }
    // With every option at its default, as the agent builds it.
    auto src = s.factory(testing::TestContext(s.name, fs));
    CHECK(src.ok());
  }
}

TEST_CASE("SelectSources applies defaults and switches", "[agent][registry]") {
  const auto& all = BuiltinSources();
  SECTION("defaults") {
    auto s = SelectSources(all, false, {});
    REQUIRE(s.ok());
    CHECK(Names(*s) == AllNames(true));
  }
  SECTION("--no-source.cpu") {
    auto s = SelectSources(all, false, {{"cpu", false}});
    REQUIRE(s.ok());
    std::vector<std::string> expected = AllNames(true);
    expected.erase(std::find(expected.begin(), expected.end(), "cpu"));
    CHECK(Names(*s) == expected);
  }
  SECTION("--source.disable-defaults --source.loadavg") {
    auto s = SelectSources(all, true, {{"loadavg", true}});
    REQUIRE(s.ok());
    CHECK(Names(*s) == std::vector<std::string>{"loadavg"});
  }
  SECTION("an off-by-default source can be switched on") {
    auto off = std::find_if(all.begin(), all.end(),
                            [](const SourceInfo& s) { return !s.enabled_by_default; });
    if (off != all.end()) {
      auto s = SelectSources(all, false, {{off->name, true}});
      REQUIRE(s.ok());
      std::vector<std::string> names = Names(*s);
      CHECK(std::count(names.begin(), names.end(), off->name) == 1);
    }
  }
  SECTION("unknown source names the known ones") {
    auto s = SelectSources(all, false, {{"cpux", true}});
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(std::string(s.status().message()),
               Catch::Contains("unknown source \"cpux\"") && Catch::Contains("cpu, "));
  }
}

}  // namespace
}  // namespace hostmon::agent
