// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rules.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"

namespace hostmon::collector::alerting {
namespace {

constexpr char kGood[] = R"(settings:
  flap_window: 2m
host_down:
  grace: 30s
agent_silent:
  grace: 45s
rules:
  - name: HighCpu
    expr:
      func: rate
      window: 5m
      select: 'node_cpu_seconds_total{mode="idle"}'
      divide_by:
        select: node_cpu_seconds_total
      complement: true
      scale: 100
    op: ">"
    for: 5m
    severities:
      critical: {threshold: 85, clear: 80}
      warning: {threshold: 70, for: 1m, keep_firing_for: 30s}
    labels: {team: infra}
    annotations:
      summary: "{{ $labels.instance }} at {{ $value }}"
  - name: DiskFull
    expr:
      select: '{__name__=~"node_filesystem_(avail|free)_bytes",fstype!~"tmpfs|ramfs",mountpoint!="/boot"}'
      by: [mountpoint]
      aggregate: min
    op: "<"
    threshold: 1e9
)";

TEST_CASE("A valid rules file parses into rules, severities and settings", "[alerting]") {
  absl::StatusOr<RuleSet> set = ParseRules(kGood, "rules.yml");
  INFO(set.status().ToString());
  REQUIRE(set.ok());
  CHECK(set->settings.flap_window == absl::Minutes(2));
  CHECK(set->host_down.grace == absl::Seconds(30));
  CHECK(set->host_down.alertname == "HostDown");
  CHECK(set->agent_silent.grace == absl::Seconds(45));
  REQUIRE(set->rules.size() == 2);
  const Rule& cpu = set->rules[0];
  CHECK(cpu.name == "HighCpu");
  CHECK(cpu.expr.numerator.func == Func::kRate);
  CHECK(cpu.expr.numerator.window == absl::Minutes(5));
  REQUIRE(cpu.expr.has_denominator);
  // The denominator inherits func and window from the numerator.
  CHECK(cpu.expr.denominator.func == Func::kRate);
  CHECK(cpu.expr.denominator.window == absl::Minutes(5));
  CHECK(cpu.expr.complement);
  CHECK(cpu.expr.scale == 100);
  REQUIRE(cpu.severities.size() == 2);
  CHECK(cpu.severities[0].name == "warning");  // sorted by rank
  CHECK(cpu.severities[0].for_duration == absl::Minutes(1));
  CHECK(cpu.severities[0].keep_firing_for == absl::Seconds(30));
  CHECK(cpu.severities[0].clear == 70);
  CHECK(cpu.severities[1].name == "critical");
  CHECK(cpu.severities[1].for_duration == absl::Minutes(5));
  CHECK(cpu.severities[1].clear == 80);
  CHECK(cpu.labels == LabelPairs{{"team", "infra"}});
  const Rule& disk = set->rules[1];
  CHECK(disk.op == Comparison::kLt);
  CHECK(disk.severities.size() == 1);
  CHECK(disk.severities[0].name == "warning");
  CHECK(disk.severities[0].threshold == 1e9);
  CHECK(disk.expr.numerator.func == Func::kLast);
  CHECK(disk.expr.numerator.aggregate == Aggregate::kMin);
  CHECK(disk.expr.numerator.selector.MatchesName("node_filesystem_free_bytes"));
  CHECK_FALSE(disk.expr.numerator.selector.MatchesName("node_filesystem_size_bytes"));
  CHECK(disk.expr.numerator.selector.MatchesLabels({{"fstype", "ext4"}, {"mountpoint", "/"}}));
  CHECK_FALSE(disk.expr.numerator.selector.MatchesLabels({{"fstype", "tmpfs"}}));
  CHECK_FALSE(disk.expr.numerator.selector.MatchesLabels({{"mountpoint", "/boot"}}));
  // Regexes are anchored: "tmpfs|ramfs" does not match "devtmpfs".
  CHECK(disk.expr.numerator.selector.MatchesLabels({{"fstype", "devtmpfs"}}));
}

TEST_CASE("An empty rules file is valid and has only the host alerts", "[alerting]") {
  absl::StatusOr<RuleSet> set = ParseRules("", "empty.yml");
  REQUIRE(set.ok());
  CHECK(set->rules.empty());
  CHECK(set->host_down.enabled);
  CHECK(set->agent_silent.enabled);
}

// Each bad input names file:line and the field.
TEST_CASE("Rules file errors name file, line and field", "[alerting]") {
  struct Case {
    const char* what;
    std::string yaml;
    std::string expect_where;
    std::string expect_text;
  };
  const std::string rule_head =
      "rules:\n"
      "  - name: R\n"
      "    expr:\n"
      "      select: x\n";
  const std::vector<Case> cases = {
      {"unknown top-level key", "rule:\n  - name: x\n", "bad.yml:1", "unknown key"},
      {"unknown rule key", rule_head + "    op: \">\"\n    threshold: 1\n    fro: 5m\n",
       "bad.yml:7", "rules[0].fro"},
      {"wrong type of threshold", rule_head + "    op: \">\"\n    threshold: high\n", "bad.yml:6",
       "rules[0].threshold"},
      {"bad duration", rule_head + "    op: \">\"\n    threshold: 1\n    for: 5x\n", "bad.yml:7",
       "rules[0].for"},
      {"bad regex",
       "rules:\n  - name: R\n    expr:\n      select: 'x{a=~\"(\"}'\n    op: \">\"\n"
       "    threshold: 1\n",
       "bad.yml:4", "bad regex"},
      {"selector without a metric",
       "rules:\n  - name: R\n    expr:\n      select: '{a=\"b\"}'\n"
       "    op: \">\"\n    threshold: 1\n",
       "bad.yml:4", "rules[0].expr.select"},
      {"duplicate rule name",
       rule_head + "    op: \">\"\n    threshold: 1\n" +
           "  - name: R\n    expr:\n      select: y\n"
           "    op: \">\"\n    threshold: 2\n",
       "bad.yml:7", "duplicate rule name \"R\" (first at bad.yml:2)"},
      {"unquoted op (YAML folded scalar)", rule_head + "    op: >\n    threshold: 1\n",
       "bad.yml:", "rules[0].op"},
      {"unknown function",
       "rules:\n  - name: R\n    expr:\n      func: p99\n      select: x\n"
       "    op: \">\"\n    threshold: 1\n",
       "bad.yml:4", "unknown function \"p99\""},
      {"rate without window",
       "rules:\n  - name: R\n    expr:\n      func: rate\n      select: x\n"
       "    op: \">\"\n    threshold: 1\n",
       "bad.yml:", "needs a window"},
      {"clear beyond threshold", rule_head + "    op: \">\"\n    threshold: 10\n    clear: 20\n",
       "bad.yml:7", "rules[0].clear"},
      {"unknown severity",
       rule_head + "    op: \">\"\n    severities:\n      page: {threshold: 1}\n", "bad.yml:7",
       "unknown key"},
      {"critical easier than warning",
       rule_head + "    op: \">\"\n    severities:\n      warning: {threshold: 10}\n"
                   "      critical: {threshold: 5}\n",
       "bad.yml:8", "easier to reach"},
      {"bad template",
       rule_head + "    op: \">\"\n    threshold: 1\n    annotations:\n"
                   "      summary: \"{{ $value | toUpper }}\"\n",
       "bad.yml:8", "rules[0].annotations.summary"},
      {"printf with a string conversion",
       rule_head + "    op: \">\"\n    threshold: 1\n    annotations:\n"
                   "      summary: '{{ printf \"%s\" $value }}'\n",
       "bad.yml:8", "exactly one"},
      {"reserved label", rule_head + "    op: \">\"\n    threshold: 1\n    labels: {severity: x}\n",
       "bad.yml:7", "reserved"},
      {"no threshold at all", rule_head + "    op: \">\"\n", "bad.yml:2", "threshold"},
      {"missing expr", "rules:\n  - name: R\n    op: \">\"\n    threshold: 1\n", "bad.yml:2",
       "rules[0].expr"},
      {"invalid rule name",
       "rules:\n  - name: high cpu\n    expr: {select: x}\n    op: \">\"\n"
       "    threshold: 1\n",
       "bad.yml:2", "rules[0].name"},
      {"YAML syntax error", "rules: [\n", "bad.yml:", "YAML syntax error"},
      {"by with a bad label", rule_head + "      by: [\"a-b\"]\n    op: \">\"\n    threshold: 1\n",
       "bad.yml:5", "rules[0].expr.by"},
      {"host_down bad grace", "host_down:\n  grace: soon\n", "bad.yml:2", "host_down.grace"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    absl::StatusOr<RuleSet> set = ParseRules(c.yaml, "bad.yml");
    REQUIRE_FALSE(set.ok());
    INFO(set.status().message());
    CHECK(absl::StartsWith(set.status().message(), c.expect_where));
    CHECK(absl::StrContains(set.status().message(), c.expect_text));
  }
}

TEST_CASE("A missing rules file is an error naming the file", "[alerting]") {
  absl::StatusOr<RuleSet> set = LoadRulesFile("/nonexistent/rules.yml");
  REQUIRE_FALSE(set.ok());
  CHECK(absl::StrContains(set.status().message(), "/nonexistent/rules.yml"));
}

}  // namespace
}  // namespace hostmon::collector::alerting
