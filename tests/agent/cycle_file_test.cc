// SPDX-License-Identifier: Apache-2.0
#include "agent/cycle_file.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agent/collection.h"
#include "agent/sources/cpu/cpu_source.h"
#include "agent/sources/process/process_source.h"
#include "agent/sources/stat/stat_source.h"
#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("CycleFile of its own reads the file on every call", "[agent][cycle_file]") {
  testing::ScopedTempDir dir;
  CycleFile file(dir.Write("stat", "a\n"));
  CHECK(file.Read().value() == "a\n");
  dir.Write("stat", "b\n");
  CHECK(file.Read().value() == "b\n");
  CHECK(file.reads() == 2);
}

TEST_CASE("CycleFiles reads a shared file once per cycle, again in the next one",
          "[agent][cycle_file]") {
  testing::ScopedTempDir dir;
  const std::string path = dir.Write("stat", "first\n");
  CycleFiles files;
  std::shared_ptr<CycleFile> a = files.File(path);
  std::shared_ptr<CycleFile> b = files.File(path);
  REQUIRE(a == b);  // one reader per path
  CHECK(files.File(dir.File("other")) != a);

  files.BeginCycle();
  CHECK(a->Read().value() == "first\n");
  dir.Write("stat", "second\n");
  // The same cycle: the content read at its start, not read again.
  CHECK(b->Read().value() == "first\n");
  CHECK(a->reads() == 1);

  files.BeginCycle();
  CHECK(b->Read().value() == "second\n");
  CHECK(a->Read().value() == "second\n");
  CHECK(a->reads() == 2);
}

TEST_CASE("CycleFiles: a failed read is the cycle's outcome, retried in the next cycle",
          "[agent][cycle_file]") {
  testing::ScopedTempDir dir;
  CycleFiles files;
  std::shared_ptr<CycleFile> file = files.File(dir.File("stat"));
  files.BeginCycle();
  absl::StatusOr<absl::string_view> missing = file->Read();
  REQUIRE(absl::IsNotFound(missing.status()));
  CHECK_THAT(std::string(missing.status().message()), Catch::Contains(dir.File("stat")));
  dir.Write("stat", "now\n");
  CHECK(absl::IsNotFound(file->Read().status()));  // every source of the cycle sees the same
  CHECK(file->reads() == 1);
  files.BeginCycle();
  CHECK(file->Read().value() == "now\n");
}

// A procfs tree with what the cpu, stat and process sources read, /proc/stat from the fixtures
// with its ctxt line set to `ctxt`.
std::string ProcStatWithCtxt(const std::string& ctxt) {
  std::string text = testing::ReadFixture("proc/stat");
  const size_t at = text.find("\nctxt ");
  REQUIRE(at != std::string::npos);
  const size_t end = text.find('\n', at + 1);
  return text.substr(0, at) + "\nctxt " + ctxt + text.substr(end);
}

TEST_CASE("cpu, stat and process read /proc/stat once per collection", "[agent][cycle_file]") {
  testing::ScopedTempDir proc;
  proc.Write("stat", ProcStatWithCtxt("1000"));
  for (const char* name : {"self/stat", "self/limits", "self/fd/0"}) {
    proc.Write(name, testing::ReadFixture(std::string("proc/") + name));
  }
  const common::FsRoot fs(proc.path(), testing::FixturePath("sys"), testing::FixturePath("rootfs"));
  auto cycle_files = std::make_shared<CycleFiles>();
  const std::shared_ptr<CycleFile> stat_file = cycle_files->File(fs.Proc("stat"));

  using Factory = absl::StatusOr<SourcePtr> (*)(const SourceContext&);
  const std::pair<const char*, Factory> factories[] = {
      {"cpu", MakeCpuSource}, {"process", MakeProcessSource}, {"stat", MakeStatSource}};
  std::vector<std::unique_ptr<testing::TestContext>> contexts;
  std::vector<Collection::NamedSource> sources;
  for (const auto& [name, factory] : factories) {
    contexts.push_back(std::make_unique<testing::TestContext>(name, fs));
    contexts.back()->ShareFiles(cycle_files.get());
    absl::StatusOr<SourcePtr> source = factory(*contexts.back());
    REQUIRE(source.ok());
    sources.push_back({name, std::move(*source)});
  }
  SeriesTable table;
  testing::FakeClock clock;
  Collection collection(&table, std::move(sources), &clock, cycle_files);
  auto value = [&](const CollectedBatch& batch, const std::string& series) {
    std::string text = FormatExposition(table, batch);
    const size_t at = text.find("\n" + series + " ");
    REQUIRE(at != std::string::npos);
    return std::stod(text.substr(at + series.size() + 2));
  };

  CollectedBatch batch;
  collection.CollectOnce(&batch);
  CHECK(stat_file->reads() == 1);  // not one per source
  CHECK(value(batch, "node_context_switches_total") == 1000);
  CHECK(value(batch, "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"}") == Approx(13.12));
  CHECK(value(batch, "process_start_time_seconds") > 1795274682);  // btime from the same read
  for (const char* name : {"cpu", "process", "stat"}) {
    CHECK(value(batch, std::string("hostmon_agent_source_success{source=\"") + name + "\"}") == 1);
  }

  // The next collection reads the file again: fresh counters, not the first cycle's.
  proc.Write("stat", ProcStatWithCtxt("2000"));
  collection.CollectOnce(&batch);
  CHECK(stat_file->reads() == 2);
  CHECK(value(batch, "node_context_switches_total") == 2000);
}

TEST_CASE("a source that shares /proc/stat reads it when it is the only one",
          "[agent][cycle_file]") {
  testing::ScopedTempDir proc;
  proc.Write("stat", ProcStatWithCtxt("7"));
  const common::FsRoot fs(proc.path(), "", "");
  auto cycle_files = std::make_shared<CycleFiles>();
  testing::TestContext ctx("stat", fs);
  ctx.ShareFiles(cycle_files.get());
  std::vector<Collection::NamedSource> sources;
  sources.push_back({"stat", MakeStatSource(ctx).value()});
  SeriesTable table;
  testing::FakeClock clock;
  Collection collection(&table, std::move(sources), &clock, cycle_files);
  CollectedBatch batch;
  for (const char* ctxt : {"7", "8"}) {
    proc.Write("stat", ProcStatWithCtxt(ctxt));
    collection.CollectOnce(&batch);
    const std::string text = FormatExposition(table, batch);
    CHECK_THAT(text, Catch::Contains(std::string("\nnode_context_switches_total ") + ctxt + "\n"));
  }
  CHECK(cycle_files->File(fs.Proc("stat"))->reads() == 2);
}

}  // namespace
}  // namespace hostmon::agent
