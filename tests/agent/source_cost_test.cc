// SPDX-License-Identifier: Apache-2.0
#include "agent/source_cost.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "agent/collection.h"
#include "common/dir_entries.h"
#include "common/file_open_count.h"
#include "common/fs_root.h"
#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

ThreadUsage Usage(double cpu, double user, double system, uint64_t files) {
  ThreadUsage u;
  u.cpu_s = cpu;
  u.user_s = user;
  u.system_s = system;
  u.files_opened = files;
  return u;
}

TEST_CASE("SourceCost adds each collection's differences", "[agent][source_cost]") {
  SourceCost c;
  c.name = "meminfo";
  c.Add(0.002, Usage(5.0, 1.0, 2.0, 10), Usage(5.0015, 1.001, 2.0005, 12), 40);
  c.Add(0.004, Usage(5.0015, 1.001, 2.0005, 12), Usage(5.0035, 1.002, 2.0015, 13), 41);
  CHECK(c.collections == 2);
  CHECK(c.wall_s == Approx(0.006));
  CHECK(c.cpu_s == Approx(0.0035));
  CHECK(c.sampled_user_s == Approx(0.002));
  CHECK(c.sampled_system_s == Approx(0.0015));
  CHECK(c.samples == 81);
  CHECK(c.files_opened == 3);
}

TEST_CASE("SourceCost never accounts a negative sampled time", "[agent][source_cost]") {
  // The kernel rescales a thread's sampled user/system split to its run time: one of the two can
  // read lower than before while their sum grows.
  SourceCost c;
  c.Add(0.001, Usage(1.0, 1.000, 2.000, 0), Usage(1.002, 0.9995, 2.002, 0), 0);
  CHECK(c.sampled_user_s == 0);
  CHECK(c.sampled_system_s == Approx(0.002));
  CHECK(c.cpu_s == Approx(0.002));
}

TEST_CASE("FormatCostReport: means per collection, most CPU first, split by the samples",
          "[agent][source_cost]") {
  std::vector<SourceCost> costs(3);
  costs[0].name = "loadavg";  // 0.02 ms CPU per collection, no tick sampled it
  costs[0].Add(0.00003, Usage(0, 0, 0, 0), Usage(0.00002, 0, 0, 1), 3);
  costs[0].Add(0.00003, Usage(0, 0, 0, 0), Usage(0.00002, 0, 0, 1), 3);
  costs[1].name = "netclass";  // 0.6 ms; ticks sampled 1 user : 3 system
  costs[1].Add(0.0007, Usage(0, 0, 0, 0), Usage(0.0006, 0.01, 0, 60), 120);
  costs[1].Add(0.0007, Usage(0, 0, 0, 0), Usage(0.0006, 0, 0.03, 60), 120);
  costs[2].name = "cpu";  // 0.02 ms: ties with loadavg, sorted by name; all user
  costs[2].Add(0.00004, Usage(0, 0, 0, 0), Usage(0.00002, 0.01, 0, 2), 16);
  costs[2].Add(0.00004, Usage(0, 0, 0, 0), Usage(0.00002, 0, 0, 2), 16);
  const std::string report = FormatCostReport(costs, 1);
  std::vector<std::string> lines = absl::StrSplit(report, '\n', absl::SkipEmpty());
  REQUIRE(lines.size() == 7);
  CHECK(lines[0] ==
        "# per-source cost: mean per collection over 2 collection(s) after 1 warm-up "
        "collection(s)");
  CHECK(lines[1].rfind("# cpu: the collecting thread's CPU time (CLOCK_THREAD_CPUTIME_ID, exact)",
                       0) == 0);
  CHECK(lines[2] == "source     wall_ms    cpu_ms   user_ms    sys_ms  samples  files");
  CHECK(lines[3] == "netclass     0.700     0.600     0.150     0.450      120     60");
  CHECK(lines[4] == "cpu          0.040     0.020     0.020     0.000       16      2");
  CHECK(lines[5] == "loadavg      0.030     0.020         -         -        3      1");
  // The total's split: all sampled user time (0.02 s) to all sampled system time (0.03 s).
  CHECK(lines[6] == "total        0.770     0.640     0.256     0.384      139     63");
}

TEST_CASE("FormatCostReport without sources prints the header and a zero total",
          "[agent][source_cost]") {
  const std::string report = FormatCostReport({}, 0);
  CHECK(report.find("over 0 collection(s)\n") != std::string::npos);
  CHECK(report.find("warm-up") == std::string::npos);
  CHECK(report.find("\ntotal      0.000     0.000         -         -        0      0\n") !=
        std::string::npos);
}

TEST_CASE("ThreadUsageNow counts this thread's file opens and CPU time", "[agent][source_cost]") {
  const ThreadUsage before = ThreadUsageNow();
  std::string text;
  REQUIRE(common::ReadFileTo(testing::FixturePath("proc/loadavg"), &text).ok());
  CHECK(!common::ReadFileTo(testing::FixturePath("proc/no-such-file"), &text).ok());  // not opened
  common::DirListing listing;
  REQUIRE(common::ListDir(testing::FixturePath("proc"), &listing).ok());
  volatile double x = 0;
  for (int i = 0; i < 2000000; ++i) x = x + i * 0.5;  // some CPU time to see
  const ThreadUsage after = ThreadUsageNow();
  CHECK(after.files_opened - before.files_opened == 2);
  CHECK(after.cpu_s > before.cpu_s);
  CHECK(after.user_s + after.system_s >= before.user_s + before.system_s);
}

// Writes `n` samples and reads `files` fixture files per collection.
class FakeSource : public Source {
 public:
  FakeSource(int n, int files) : n_(n), files_(files) {}
  absl::Status Collect(SampleWriter& out) override {
    static constexpr MetricDesc kValue{"test_value", kGauge, "A test value."};
    for (int i = 0; i < files_; ++i) {
      if (!common::ReadFileTo(testing::FixturePath("proc/loadavg"), &buf_).ok()) {
        return absl::InternalError("fixture missing");
      }
    }
    for (int i = 0; i < n_; ++i) {
      std::string v = std::to_string(i);
      LabelRef label{"i", v};
      out.Add(kValue, {&label, 1}, i);
    }
    return absl::OkStatus();
  }

 private:
  int n_;
  int files_;
  std::string buf_;
};

TEST_CASE("Collection accounts each source's samples and files once enabled",
          "[agent][source_cost]") {
  SeriesTable table;
  testing::FakeClock clock;
  std::vector<Collection::NamedSource> sources;
  sources.push_back({"three", std::make_unique<FakeSource>(3, 2)});
  sources.push_back({"none", std::make_unique<FakeSource>(0, 0)});
  Collection c(&table, std::move(sources), &clock);
  CollectedBatch batch;
  c.CollectOnce(&batch);
  CHECK(c.costs().empty());  // off by default
  c.EnableCostAccounting();
  c.CollectOnce(&batch);
  c.CollectOnce(&batch);
  REQUIRE(c.costs().size() == 2);
  CHECK(c.costs()[0].name == "three");
  CHECK(c.costs()[0].collections == 2);
  CHECK(c.costs()[0].samples == 6);  // the self metrics written after each source are not its own
  CHECK(c.costs()[0].files_opened == 4);
  CHECK(c.costs()[0].wall_s >= 0);
  CHECK(c.costs()[0].cpu_s > 0);
  CHECK(c.costs()[1].name == "none");
  CHECK(c.costs()[1].collections == 2);
  CHECK(c.costs()[1].samples == 0);
  CHECK(c.costs()[1].files_opened == 0);
}

}  // namespace
}  // namespace hostmon::agent
