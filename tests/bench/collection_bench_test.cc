// SPDX-License-Identifier: Apache-2.0
//
// Benchmarks (hidden tag: not part of the test run). Run:
//   build/tests/hostmon_unit_tests "[.bench]" --benchmark-samples 50
#include <catch2/catch.hpp>

#include "agent/collection.h"
#include "agent/series_table.h"
#include "agent/source_registry.h"
#include "common/clock.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

std::vector<Collection::NamedSource> Builtins(const common::FsRoot& fs) {
  std::vector<Collection::NamedSource> out;
  for (const SourceInfo& info : BuiltinSources()) {
    if (!info.enabled_by_default) continue;  // what a default agent runs
    out.push_back({info.name, info.factory(testing::TestContext(info.name, fs)).value()});
  }
  return out;
}

TEST_CASE("One agent collection cycle", "[.bench][agent]") {
  SECTION("this host's /proc") {
    common::FsRoot fs;
    SeriesTable table;
    Collection c(&table, Builtins(fs), &common::RealClock::Get());
    CollectedBatch batch;
    c.CollectOnce(&batch);
    BENCHMARK("CollectOnce, this host, default sources") {
      c.CollectOnce(&batch);
      return batch.values.size();
    };
  }
  SECTION("fixture tree") {
    common::FsRoot fs(HOSTMON_FIXTURE_DIR "/proc", "/nonexistent", "/nonexistent");
    SeriesTable table;
    Collection c(&table, Builtins(fs), &common::RealClock::Get());
    CollectedBatch batch;
    c.CollectOnce(&batch);
    BENCHMARK("CollectOnce, fixture tree, default sources") {
      c.CollectOnce(&batch);
      return batch.values.size();
    };
  }
}

TEST_CASE("Interning one collection's series", "[.bench][agent]") {
  // 1,100 existing series of 2 labels in 60 families, about a default collection.
  SeriesTable table;
  std::vector<std::pair<uint32_t, std::vector<std::string>>> series;
  for (int f = 0; f < 60; ++f) {
    const std::string name = "node_family_" + std::to_string(f) + "_total";
    const uint32_t fam = table.InternFamily({name, kCounter, "help"});
    for (int i = 0; i < 18; ++i) {
      series.push_back({fam, {"device", "eth" + std::to_string(i), "mode", "rx_bytes"}});
    }
  }
  std::vector<uint32_t> refs(series.size(), SeriesTable::kNoHint);
  auto intern_all = [&](bool hint) {
    uint32_t sum = 0;
    for (size_t i = 0; i < series.size(); ++i) {
      const auto& [fam, l] = series[i];
      const LabelRef labels[] = {{l[0], l[1]}, {l[2], l[3]}};
      refs[i] = table.InternSeries(fam, labels, hint ? refs[i] : SeriesTable::kNoHint);
      sum += refs[i];
    }
    return sum;
  };
  intern_all(false);
  BENCHMARK("1,100 series, full lookup") { return intern_all(false); };
  BENCHMARK("1,100 series, positional hint") { return intern_all(true); };
}

}  // namespace
}  // namespace hostmon::agent
