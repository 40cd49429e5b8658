// SPDX-License-Identifier: Apache-2.0
// The collector's rule engine behind the RuleEvaluator seam, with real rule files.
#include "collector/alerting/rule_evaluator.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"

namespace hostmon::collector::alerting {
namespace {

std::string Rule(const std::string& name, double threshold) {
  return "  - name: " + name +
         "\n    expr: {func: last, select: 'node_load1'}\n    op: \">\"\n    threshold: " +
         std::to_string(threshold) + "\n";
}

TEST_CASE("RuleEvaluator: several files, atomic reload, duplicate names", "[alerting]") {
  testing::FakeClock clock;
  testing::ScopedTempDir dir;
  const std::string a = dir.Write("a.yml", "rules:\n" + Rule("LoadHigh", 4));
  const std::string b = dir.Write("b.yml", "rules:\n" + Rule("LoadVeryHigh", 8));
  const std::string dup = dir.Write("dup.yml", "rules:\n" + Rule("LoadHigh", 6));
  const std::string broken = dir.Write("broken.yml", "rules:\n  - name: X\n    op: soon\n");
  std::unique_ptr<RuleEvaluator> engine = NewRuleEvaluator(&clock);
  REQUIRE(engine->LoadRules({}).ok());  // no rule files: host alerts only
  REQUIRE(engine->LoadRules({a, b}).ok());

  absl::Status s = engine->LoadRules({a, dup});
  CHECK_THAT(std::string(s.message()), Catch::Contains(dup + ":2"));
  CHECK_THAT(std::string(s.message()), Catch::Contains("\"LoadHigh\" is also defined"));
  s = engine->LoadRules({a, broken});
  CHECK_THAT(std::string(s.message()), Catch::Contains(broken + ":"));

  // The rules of the last good load still evaluate: load 5 > 4 fires LoadHigh (no `for`).
  AppliedBatch batch;
  batch.host = "web-1";
  batch.host_labels = {{"instance", "web-1"}, {"job", "node"}};
  batch.arrival = clock.Now();
  batch.timestamp_ms = absl::ToUnixMillis(clock.Now());
  const std::string family = "node_load1";
  const LabelPairs labels;
  batch.samples.push_back(
      {&family, ::hostmon::ingest::v1::METRIC_TYPE_GAUGE, &labels, 5.0, batch.timestamp_ms});
  engine->OnBatch(batch);
  std::vector<Alert> alerts = engine->Alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].labels[0] == std::make_pair(std::string("alertname"), std::string("LoadHigh")));
  std::string exposition;
  engine->WriteExposition(&exposition);
  CHECK_THAT(exposition, Catch::Contains("hostmon_alerts{alertname=\"LoadHigh\""));
}

}  // namespace
}  // namespace hostmon::collector::alerting
