// SPDX-License-Identifier: Apache-2.0
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include "agent/source_registry.h"

#include <catch2/catch.hpp>

namespace hostmon::agent {
namespace {

std::vector<std::string> Names(const std::vector<const SourceInfo*>& v) {
  std::vector<std::string> out;
  for (const SourceInfo* s : v) out.push_back(s->name);
  return out;
}

TEST_CASE("Built-in sources are registered by name", "[agent][registry]") {
  std::vector<std::string> names;
  for (const SourceInfo& s : BuiltinSources()) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"cpu", "edac", "hwmon", "loadavg", "meminfo",
                                          "powersupplyclass", "rapl", "textfile", "thermal_zone"});
  common::FsRoot fs;
  for (const SourceInfo& s : BuiltinSources()) {
    INFO(s.name);
    CHECK_FALSE(s.help.empty());
    auto src = s.factory(SourceContext{&fs});
    CHECK(src.ok());
  }
}

TEST_CASE("SelectSources applies defaults and switches", "[agent][registry]") {
  const auto& all = BuiltinSources();
  SECTION("defaults") {
    auto s = SelectSources(all, false, {});
    REQUIRE(s.ok());
    CHECK(Names(*s) == std::vector<std::string>{"cpu", "edac", "hwmon", "loadavg", "meminfo",
                                                "powersupplyclass", "rapl", "textfile",
                                                "thermal_zone"});
  }
  SECTION("--no-source.cpu") {
    auto s = SelectSources(all, false, {{"cpu", false}});
    REQUIRE(s.ok());
    CHECK(Names(*s) == std::vector<std::string>{"edac", "hwmon", "loadavg", "meminfo",
                                                "powersupplyclass", "rapl", "textfile",
                                                "thermal_zone"});
  }
  SECTION("--source.disable-defaults --source.loadavg") {
    auto s = SelectSources(all, true, {{"loadavg", true}});
    REQUIRE(s.ok());
    CHECK(Names(*s) == std::vector<std::string>{"loadavg"});
  }
  SECTION("unknown source names the known ones") {
    auto s = SelectSources(all, false, {{"cpux", true}});
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(std::string(s.status().message()), Catch::Contains("unknown source \"cpux\"") &&
                                                      Catch::Contains("cpu, edac, hwmon, loadavg"));
  }
}

}  // namespace
}  // namespace hostmon::agent
