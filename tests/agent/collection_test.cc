// SPDX-License-Identifier: Apache-2.0
#include "agent/collection.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agent/source_registry.h"
#include "fakes/alloc_counter.h"
#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

std::vector<Collection::NamedSource> BuiltinsOver(const common::FsRoot& fs) {
  std::vector<Collection::NamedSource> out;
  for (const SourceInfo& info : BuiltinSources()) {
    // Reads D-Bus, not the fixture tree; covered with a fake client in systemd_source_test.cc.
    if (info.name == "systemd") continue;
    // Devices and BMCs run in the slow tier, tested in slow_tier_test.cc and their own tests.
    if (info.slow) continue;
    auto src = info.factory(testing::TestContext(info.name, fs));
    REQUIRE(src.ok());
    out.push_back({info.name, std::move(*src)});
  }
  return out;
}

// Value of the sample whose exposition line starts with `prefix` (e.g. `node_load1 `).
std::map<std::string, double> Samples(const SeriesTable& table, const CollectedBatch& batch) {
  std::map<std::string, double> out;
  std::string text = FormatExposition(table, batch);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.rfind(' ');
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

TEST_CASE("Collection over the fixture tree yields node_exporter series", "[agent][collection]") {
  common::FsRoot fs = testing::FixtureRoot();
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, BuiltinsOver(fs), &clock);
  CollectedBatch batch;
  c.CollectOnce(&batch);
  auto s = Samples(table, batch);
  CHECK(batch.timestamp_ms == 1700000000000);
  CHECK(s.at("node_load1") == Approx(1.27));
  CHECK(s.at("node_load15") == Approx(0.61));
  CHECK(s.count("node_memory_MemTotal_bytes") == 1);
  CHECK(s.count("node_cpu_seconds_total{cpu=\"3\",mode=\"idle\"}") == 1);
  CHECK(s.count("node_cpu_seconds_total{cpu=\"4\",mode=\"idle\"}") == 0);
  CHECK(s.at("hostmon_agent_source_success{source=\"cpu\"}") == 1);
  CHECK(s.at("hostmon_agent_source_success{source=\"meminfo\"}") == 1);
  CHECK(s.at("hostmon_agent_source_success{source=\"loadavg\"}") == 1);
}

TEST_CASE("A missing file marks only that source as failed", "[agent][collection]") {
  // An empty procfs root: every source fails, but collection still produces self metrics.
  common::FsRoot fs = testing::EmptyRoot();
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, BuiltinsOver(fs), &clock);
  CollectedBatch batch;
  c.CollectOnce(&batch);
  auto s = Samples(table, batch);
  CHECK(s.at("hostmon_agent_source_success{source=\"cpu\"}") == 0);
  CHECK(s.at("hostmon_agent_source_success{source=\"loadavg\"}") == 0);
  CHECK(s.count("node_load1") == 0);
}

TEST_CASE("A steady-state collection does not allocate", "[agent][collection][alloc]") {
  common::FsRoot fs = testing::FixtureRoot();
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, BuiltinsOver(fs), &clock);
  CollectedBatch batch;
  c.CollectOnce(&batch);  // warm-up: interns series, sizes buffers
  c.CollectOnce(&batch);
  size_t allocations;
  {
    testing::AllocationCounter counter;
    c.CollectOnce(&batch);
    allocations = counter.count();
  }
  INFO("samples per collection: " << batch.values.size());
  CHECK(batch.values.size() > 50);
  CHECK(allocations == 0);
}

TEST_CASE("Refs are stable across collections", "[agent][collection]") {
  common::FsRoot fs(HOSTMON_FIXTURE_DIR "/proc", "/nonexistent", "/nonexistent");
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, BuiltinsOver(fs), &clock);
  CollectedBatch a, b;
  c.CollectOnce(&a);
  c.CollectOnce(&b);
  CHECK(a.refs == b.refs);
  CHECK(table.series_count() == a.refs.size());
}

// Writes node_load1 like the loadavg source would, twice (a buggy source or a textfile file).
class DuplicatingSource : public Source {
 public:
  absl::Status Collect(SampleWriter& out) override {
    static constexpr MetricDesc kLoad{"node_load1", kGauge, "1m load average."};
    out.Add(kLoad, {}, 42);
    out.Add(kLoad, {}, 43);
    return absl::OkStatus();
  }
};

TEST_CASE("A series written twice in one collection keeps the first value", "[agent][collection]") {
  common::FsRoot fs(HOSTMON_FIXTURE_DIR "/proc", "/nonexistent", "/nonexistent");
  std::vector<Collection::NamedSource> sources;
  for (const SourceInfo& info : BuiltinSources()) {
    if (info.name == "loadavg") sources.push_back({info.name, std::move(*info.factory({&fs}))});
  }
  sources.push_back({"textfile", std::make_unique<DuplicatingSource>()});
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, std::move(sources), &clock);
  CollectedBatch batch;
  for (int cycle = 0; cycle < 2; ++cycle) {
    c.CollectOnce(&batch);
    auto s = Samples(table, batch);
    CHECK(s.at("node_load1") == Approx(1.27));  // loadavg's, from the fixture
    CHECK(std::count(batch.refs.begin(), batch.refs.end(), batch.refs[0]) == 1);
  }
  CHECK(c.duplicate_samples() == 4);  // two per collection
}

// Series a textfile could hold that the collector would reject whole batches for.
class ReservedLabelSource : public Source {
 public:
  absl::Status Collect(SampleWriter& out) override {
    static constexpr MetricDesc kM{"app_up", kGauge, "Up."};
    const LabelRef job[] = {{"job", "x"}};
    const LabelRef severity[] = {{"severity", "x"}};
    const LabelRef twice[] = {{"a", "1"}, {"a", "2"}};
    const LabelRef unsorted_ok[] = {{"b", "1"}, {"a", "2"}};  // the transport sorts it
    out.Add(kM, job, 1);
    out.Add(kM, severity, 1);
    out.Add(kM, twice, 1);
    out.Add(kM, unsorted_ok, 7);
    return absl::OkStatus();
  }
};

TEST_CASE("Series the collector would reject are dropped and counted, not sent",
          "[agent][collection][labels]") {
  std::vector<Collection::NamedSource> sources;
  sources.push_back({"textfile", std::make_unique<ReservedLabelSource>()});
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, std::move(sources), &clock);
  CollectedBatch batch;
  for (int cycle = 0; cycle < 2; ++cycle) {
    c.CollectOnce(&batch);
    auto s = Samples(table, batch);
    std::vector<std::string> app;  // the source's samples (the others: source outcome metrics)
    for (const auto& [k, v] : s) {
      if (k.rfind("app_up", 0) == 0) app.push_back(k);
    }
    CHECK(app == std::vector<std::string>{"app_up{b=\"1\",a=\"2\"}"});
    CHECK(s.at("app_up{b=\"1\",a=\"2\"}") == 7);
  }
  struct Recorder : SampleWriter {
    std::map<std::string, double> values;
    void Add(const MetricDesc& d, LabelSpan, double v) override { values[std::string(d.name)] = v; }
  } rec;
  c.WriteMetrics(rec);
  CHECK(rec.values.at("hostmon_agent_invalid_series_samples_total") == 6);  // three per cycle
}

// Builds each family's name in one reused buffer, as a textfile-like source may: the same name
// address holds a different name on every Add, and two families alternate.
class ReusedNameBufferSource : public Source {
 public:
  absl::Status Collect(SampleWriter& out) override {
    for (int i = 0; i < 3; ++i) {
      for (const char* name : {"test_alpha", "test_beta"}) {
        name_.assign(name);
        MetricDesc desc{name_, kGauge, "test"};
        std::string value = std::to_string(i);
        LabelRef label{"i", value};
        out.Add(desc, {&label, 1}, name_ == "test_alpha" ? i : 10 + i);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string name_;
};

TEST_CASE("Family refs follow the name's content, not its address", "[agent][collection]") {
  std::vector<Collection::NamedSource> sources;
  sources.push_back({"reused", std::make_unique<ReusedNameBufferSource>()});
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, std::move(sources), &clock);
  CollectedBatch batch;
  for (int cycle = 0; cycle < 3; ++cycle) {
    c.CollectOnce(&batch);
    auto s = Samples(table, batch);
    for (int i = 0; i < 3; ++i) {
      std::string l = "{i=\"" + std::to_string(i) + "\"}";
      CHECK(s.at("test_alpha" + l) == i);
      CHECK(s.at("test_beta" + l) == 10 + i);
    }
  }
}

// Writes a different order and set of series each cycle: the positional hints of the last cycle
// are wrong for most samples.
class ShiftingSource : public Source {
 public:
  absl::Status Collect(SampleWriter& out) override {
    static constexpr MetricDesc kA{"test_a", kGauge, "a"};
    static constexpr MetricDesc kB{"test_b", kGauge, "b"};
    ++cycle_;
    std::vector<int> ids = {0, 1, 2, 3};
    if (cycle_ % 2 == 0) std::reverse(ids.begin(), ids.end());
    if (cycle_ == 3) ids.insert(ids.begin() + 1, 9);  // a new series in the middle
    for (int id : ids) {
      std::string v = std::to_string(id);
      LabelRef l{"id", v};
      out.Add(kA, {&l, 1}, 100 * cycle_ + id);
      out.Add(kB, {&l, 1}, -id);
    }
    return absl::OkStatus();
  }

 private:
  int cycle_ = 0;
};

TEST_CASE("Series keep their refs when the sources change their order", "[agent][collection]") {
  std::vector<Collection::NamedSource> sources;
  sources.push_back({"shifting", std::make_unique<ShiftingSource>()});
  SeriesTable table;
  testing::FakeClock clock;
  Collection c(&table, std::move(sources), &clock);
  CollectedBatch batch;
  std::map<std::string, uint32_t> refs;
  for (int cycle = 1; cycle <= 5; ++cycle) {
    c.CollectOnce(&batch);
    auto s = Samples(table, batch);
    std::vector<int> ids = {0, 1, 2, 3};
    if (cycle == 3) ids.push_back(9);
    for (int id : ids) {
      const std::string l = "{id=\"" + std::to_string(id) + "\"}";
      CHECK(s.at("test_a" + l) == 100 * cycle + id);
      CHECK(s.at("test_b" + l) == -id);
    }
    CHECK(s.count("test_a{id=\"9\"}") == (cycle == 3 ? 1 : 0));
  }
  // One ref per series, whatever order they came in: 5 ids x 2 families, plus the self metrics.
  size_t test_series = 0;
  for (uint32_t ref = 0; ref < table.series_count(); ++ref) {
    table.WithSeriesAndFamily(ref, [&](const SeriesTable::Series&, const SeriesTable::Family& f) {
      if (f.name == "test_a" || f.name == "test_b") ++test_series;
    });
  }
  CHECK(test_series == 10);
}

TEST_CASE("SeriesTable::InternSeries takes any hint", "[agent][collection]") {
  SeriesTable table;
  const uint32_t f = table.InternFamily({"m", kGauge, "m"});
  const uint32_t g = table.InternFamily({"n", kGauge, "n"});
  const LabelRef a[] = {{"x", "1"}, {"y", "2"}};
  const LabelRef b[] = {{"x", "1"}};
  const LabelRef c[] = {{"x", "1"}, {"y", "3"}};
  const uint32_t ra = table.InternSeries(f, a);
  const uint32_t rb = table.InternSeries(f, b);
  const uint32_t rc = table.InternSeries(f, c);
  const uint32_t rg = table.InternSeries(g, a);
  CHECK(table.InternSeries(f, a, ra) == ra);  // right hint
  CHECK(table.InternSeries(f, a, rb) == ra);  // a prefix of the labels
  CHECK(table.InternSeries(f, a, rc) == ra);  // another value
  CHECK(table.InternSeries(f, a, rg) == ra);  // another family
  CHECK(table.InternSeries(f, b, ra) == rb);  // more labels
  CHECK(table.InternSeries(f, a, 12345) == ra);
  CHECK(table.InternSeries(f, a, SeriesTable::kNoHint) == ra);
  const LabelRef d[] = {{"x", "9"}};
  CHECK(table.InternSeries(f, d, rb) == 4);  // new despite a hint
  CHECK(table.series_count() == 5);
}

}  // namespace
}  // namespace hostmon::agent
