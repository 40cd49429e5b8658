// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rule_engine.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "collector/alerting/engine_fixture.h"

namespace hostmon::collector::alerting {
namespace {

using testing::Harness;
using testing::Label;
using testing::Point;

// A gauge rule `last(temp) > threshold` with the given extra rule lines and settings. AgentSilent
// is off: these tests let time pass without batches on purpose.
std::string GaugeRule(const std::string& rule_extra, const std::string& flap = "0s") {
  return absl::StrCat("settings:\n  flap_window: ", flap, "\nagent_silent:\n  enabled: false\n",
                      "rules:\n"
                      "  - name: Hot\n"
                      "    expr:\n"
                      "      select: temp\n"
                      "    op: \">\"\n",
                      rule_extra,
                      "    annotations:\n"
                      "      summary: \"{{ $labels.instance }} at {{ $value }}\"\n");
}

Point Temp(double v) { return {"temp", {}, v}; }

TEST_CASE("for: an alert is pending until the condition held for the duration", "[alerting]") {
  Harness h(GaugeRule("    threshold: 50\n    for: 1m\n"));
  h.Step({Temp(40)});
  CHECK(h.Find("Hot") == nullptr);
  h.Step({Temp(60)});
  const absl::Time breach = h.clock.Now();
  auto a = h.Find("Hot");
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::kPending);
  CHECK(a->active_at == breach);
  CHECK(a->value == 60);
  CHECK(Label(a->labels, "severity") == "warning");
  CHECK(Label(a->labels, "instance") == "web1");
  CHECK(Label(a->labels, "job") == "node");
  CHECK(h.sink.Take().empty());
  h.Step({Temp(61)}, absl::Seconds(15));
  h.Step({Temp(62)}, absl::Seconds(15));
  h.Step({Temp(63)}, absl::Seconds(15));
  CHECK(h.Find("Hot")->state == AlertState::kPending);  // 45s
  // `for` elapses between batches: Tick fires it without waiting for the next batch.
  h.Tick(absl::Seconds(15));
  a = h.Find("Hot");
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::kFiring);
  CHECK(a->fired_at == breach + absl::Minutes(1));
  std::vector<Notification> n = h.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(n[0].starts_at == breach);
  CHECK(n[0].ends_at == absl::InfiniteFuture());
  CHECK(Label(n[0].labels, "alertname") == "Hot");
  CHECK(Label(n[0].annotations, "summary") == "web1 at 63");

  // A dip below the threshold while pending restarts `for`.
  Harness h2(GaugeRule("    threshold: 50\n    for: 1m\n"));
  h2.Step({Temp(60)});
  h2.Step({Temp(60)}, absl::Seconds(45));
  h2.Step({Temp(40)});
  h2.Step({Temp(60)});
  h2.Tick(absl::Seconds(50));
  CHECK(h2.Find("Hot")->state == AlertState::kPending);
  CHECK(h2.sink.Take().empty());
}

TEST_CASE("Hysteresis: a firing alert clears only below its clear threshold", "[alerting]") {
  Harness h(GaugeRule("    threshold: 80\n    clear: 70\n"));
  h.engine->SetGeneratorUrl("http://c:9711/api/v1/alerts");
  h.Step({Temp(85)});
  REQUIRE(h.Find("Hot") != nullptr);
  CHECK(h.Find("Hot")->state == AlertState::kFiring);
  CHECK(h.sink.Take().size() == 1);
  h.Step({Temp(75)});  // below threshold, above clear
  REQUIRE(h.Find("Hot") != nullptr);
  CHECK(h.Find("Hot")->state == AlertState::kFiring);
  CHECK(h.sink.Take().empty());
  h.Step({Temp(69)});
  CHECK(h.Find("Hot") == nullptr);
  std::vector<Notification> n = h.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(n[0].ends_at == h.clock.Now());
  CHECK(n[0].generator_url == "http://c:9711/api/v1/alerts");
  // Not firing, so 75 is judged against the threshold again: nothing.
  h.Step({Temp(75)});
  CHECK(h.Find("Hot") == nullptr);
}

TEST_CASE("keep_firing_for holds a firing alert after the condition ends", "[alerting]") {
  Harness h(GaugeRule("    threshold: 80\n    keep_firing_for: 1m\n"));
  h.Step({Temp(90)});
  CHECK(h.sink.Take().size() == 1);
  h.Step({Temp(10)});
  const absl::Time ended = h.clock.Now();
  h.Step({Temp(10)}, absl::Seconds(30));
  REQUIRE(h.Find("Hot") != nullptr);
  CHECK(h.Find("Hot")->state == AlertState::kFiring);
  // Back above: the clock restarts.
  h.Step({Temp(90)}, absl::Seconds(15));
  h.Step({Temp(10)}, absl::Seconds(15));
  h.Tick(absl::Seconds(50));
  CHECK(h.Find("Hot") != nullptr);
  CHECK(h.sink.Take().empty());
  h.Tick(absl::Seconds(10));
  CHECK(h.Find("Hot") == nullptr);
  std::vector<Notification> n = h.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(n[0].ends_at > ended);
}

TEST_CASE("Flap damping: re-firing within the window sends no notification", "[alerting]") {
  Harness h(GaugeRule("    threshold: 80\n", "5m"));
  h.Step({Temp(90)});
  std::vector<Notification> n = h.sink.Take();
  REQUIRE(n.size() == 1);
  const absl::Time started = n[0].starts_at;
  // Flapping: resolve, fire, resolve, fire within 5 minutes.
  for (int i = 0; i < 3; ++i) {
    h.Step({Temp(10)});
    CHECK(h.Find("Hot") == nullptr);
    h.Step({Temp(90)}, absl::Minutes(1));
    CHECK(h.Find("Hot") != nullptr);
  }
  CHECK(h.sink.Take().empty());
  // Still firing for Alertmanager, with the original start.
  std::vector<Notification> resend = h.engine->NotificationsToResend(h.clock.Now());
  REQUIRE(resend.size() == 1);
  CHECK(resend[0].starts_at == started);
  CHECK(resend[0].ends_at == absl::InfiniteFuture());
  std::string exposition;
  h.engine->WriteExposition(&exposition);
  CHECK(absl::StrContains(exposition, "hostmon_alerting_flaps_suppressed_total 3\n"));

  // A real resolution is announced once the window passed, dated when it happened.
  h.Step({Temp(10)});
  const absl::Time resolved = h.clock.Now();
  h.Tick(absl::Minutes(4));
  CHECK(h.sink.Take().empty());
  h.Tick(absl::Minutes(1));
  n = h.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(n[0].ends_at == resolved);
  CHECK(n[0].starts_at == started);
  // Resolved notifications are re-sent during the retention, then forgotten.
  resend = h.engine->NotificationsToResend(h.clock.Now());
  REQUIRE(resend.size() == 1);
  CHECK(resend[0].ends_at == resolved);
  h.Tick(absl::Minutes(16));
  CHECK(h.engine->NotificationsToResend(h.clock.Now()).empty());
  // After the window a new firing is a new notification.
  h.Step({Temp(90)});
  CHECK(h.sink.Take().size() == 1);
}

TEST_CASE("Severity escalation and de-escalation", "[alerting]") {
  Harness h(
      GaugeRule("    severities:\n"
                "      warning: {threshold: 70, clear: 65}\n"
                "      critical: {threshold: 85, clear: 80, for: 1m}\n"));
  h.Step({Temp(90)});
  auto a = h.Find("Hot");
  REQUIRE(a != nullptr);
  CHECK(Label(a->labels, "severity") == "warning");
  CHECK(a->state == AlertState::kFiring);
  std::vector<Notification> n = h.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(Label(n[0].labels, "severity") == "warning");

  // Critical's `for` elapses: one alert, now critical; the warning resolves.
  h.Step({Temp(90)}, absl::Minutes(1));
  a = h.Find("Hot");
  REQUIRE(a != nullptr);
  CHECK(Label(a->labels, "severity") == "critical");
  CHECK(h.engine->Alerts().size() == 1);
  n = h.sink.Take();
  REQUIRE(n.size() == 2);
  CHECK(Label(n[0].labels, "severity") == "warning");
  CHECK(n[0].ends_at == h.clock.Now());
  CHECK(Label(n[1].labels, "severity") == "critical");
  CHECK(n[1].ends_at == absl::InfiniteFuture());

  // Between the two clear thresholds: critical holds (hysteresis).
  h.Step({Temp(82)});
  CHECK(Label(h.Find("Hot")->labels, "severity") == "critical");
  CHECK(h.sink.Take().empty());
  // Below critical's clear: back to warning, announced again.
  h.Step({Temp(75)});
  a = h.Find("Hot");
  REQUIRE(a != nullptr);
  CHECK(Label(a->labels, "severity") == "warning");
  n = h.sink.Take();
  REQUIRE(n.size() == 2);
  CHECK(Label(n[0].labels, "severity") == "critical");
  CHECK(n[0].ends_at == h.clock.Now());
  CHECK(Label(n[1].labels, "severity") == "warning");
  h.Step({Temp(50)});
  CHECK(h.Find("Hot") == nullptr);
  CHECK(h.sink.Take().size() == 1);
}

TEST_CASE("Staleness: alerts on series that stop arriving resolve", "[alerting]") {
  // Per series: one disk disappears while the host keeps reporting.
  Harness h(
      "settings:\n  flap_window: 0s\n"
      "agent_silent:\n  enabled: false\n"
      "rules:\n"
      "  - name: Busy\n"
      "    expr: {select: util, by: [device]}\n"
      "    op: \">\"\n"
      "    threshold: 50\n");
  h.Step({{"util", {{"device", "sda"}}, 90}, {"util", {{"device", "sdb"}}, 90}});
  CHECK(h.engine->Alerts().size() == 2);
  h.sink.Take();
  // 5 intervals of 15s without sdb (and a sample that would not resolve it).
  for (int i = 0; i < 5; ++i) h.Step({{"util", {{"device", "sda"}}, 90}});
  CHECK(h.engine->Alerts().size() == 2);
  h.Step({{"util", {{"device", "sda"}}, 90}});
  std::vector<Alert> alerts = h.engine->Alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(Label(alerts[0].labels, "device") == "sda");
  std::vector<Notification> n = h.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(Label(n[0].labels, "device") == "sdb");
  CHECK(n[0].ends_at != absl::InfiniteFuture());

  // Whole host: no batch at all; Tick resolves once its data is stale, and frees the windows.
  CHECK(h.engine->tracked_series() == 1);
  h.Tick(absl::Seconds(60));
  CHECK(h.engine->Alerts().size() == 1);
  h.Tick(absl::Seconds(16));
  CHECK(h.Find("Busy") == nullptr);
  CHECK(h.sink.Take().size() == 1);
  CHECK(h.engine->tracked_series() == 0);
}

TEST_CASE("HostDown: a lost stream raises it after the grace, a goodbye or drain never",
          "[alerting]") {
  const std::string yaml =
      "settings:\n  flap_window: 0s\nhost_down:\n  grace: 1m\nagent_silent:\n  enabled: false\n";
  SECTION("lost and not back") {
    Harness h(yaml);
    h.Event(HostEvent::kConnected);
    h.Step({Temp(1)});
    h.Event(HostEvent::kStreamLost);
    h.Tick(absl::Seconds(30));
    auto a = h.Find("HostDown");
    REQUIRE(a != nullptr);
    CHECK(a->state == AlertState::kPending);
    CHECK(h.sink.Take().empty());
    h.Tick(absl::Seconds(30));
    a = h.Find("HostDown");
    REQUIRE(a != nullptr);
    CHECK(a->state == AlertState::kFiring);
    CHECK(Label(a->labels, "severity") == "critical");
    CHECK(Label(a->labels, "instance") == "web1");
    CHECK(Label(a->labels, "job") == "node");
    std::vector<Notification> n = h.sink.Take();
    REQUIRE(n.size() == 1);
    CHECK(Label(n[0].annotations, "summary") == "web1: agent stream lost for 1m 0s");
    // Back: resolved.
    h.Tick(absl::Seconds(5));
    h.Event(HostEvent::kConnected);
    CHECK(h.Find("HostDown") == nullptr);
    n = h.sink.Take();
    REQUIRE(n.size() == 1);
    CHECK(n[0].ends_at == h.clock.Now());
  }
  SECTION("lost and back within the grace") {
    Harness h(yaml);
    h.Event(HostEvent::kConnected);
    h.Event(HostEvent::kStreamLost);
    h.Tick(absl::Seconds(40));
    h.Event(HostEvent::kConnected);
    h.Tick(absl::Minutes(5));
    CHECK(h.Find("HostDown") == nullptr);
    CHECK(h.sink.Take().empty());
  }
  SECTION("goodbye") {
    Harness h(yaml);
    h.Event(HostEvent::kConnected);
    h.Step({Temp(1)});
    h.Event(HostEvent::kGoodbye);
    h.Tick(absl::Minutes(10));
    CHECK(h.engine->Alerts().empty());
    CHECK(h.sink.Take().empty());
  }
  SECTION("collector drain") {
    Harness h(yaml);
    h.Event(HostEvent::kConnected);
    h.Event(HostEvent::kDrained);
    h.Tick(absl::Minutes(10));
    CHECK(h.engine->Alerts().empty());
    CHECK(h.sink.Take().empty());
  }
  SECTION("one of two streams lost") {
    Harness h(yaml);
    h.Event(HostEvent::kConnected);
    h.Event(HostEvent::kConnected);
    h.Event(HostEvent::kStreamLost);
    h.Tick(absl::Minutes(5));
    CHECK(h.Find("HostDown") == nullptr);
  }
}

TEST_CASE("AgentSilent: a connected host that stops sending", "[alerting]") {
  Harness h("settings:\n  flap_window: 0s\nagent_silent:\n  intervals: 4\n  min_grace: 10s\n");
  h.Event(HostEvent::kConnected);
  for (int i = 0; i < 4; ++i) h.Step({Temp(1)});  // learns the 15s interval
  h.Tick(absl::Seconds(59));
  CHECK(h.Find("AgentSilent") == nullptr);
  h.Tick(absl::Seconds(1));
  auto a = h.Find("AgentSilent");
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::kFiring);
  CHECK(Label(a->labels, "severity") == "warning");
  CHECK(h.sink.Take().size() == 1);
  h.Step({Temp(1)}, absl::Seconds(5));
  CHECK(h.Find("AgentSilent") == nullptr);
  CHECK(h.sink.Take().size() == 1);
  // A lost stream is HostDown's business, not AgentSilent's.
  h.Event(HostEvent::kStreamLost);
  h.Tick(absl::Minutes(5));
  CHECK(h.Find("AgentSilent") == nullptr);
  CHECK(h.Find("HostDown") != nullptr);
}

TEST_CASE("Replayed batches fill windows but do not drive alert state", "[alerting]") {
  Harness h(GaugeRule("    threshold: 50\n"));
  h.Step({Temp(10)});
  // The backlog after an outage: old breaching values.
  const int64_t now_ms = absl::ToUnixMillis(h.clock.Now());
  h.Deliver({Temp(99)}, "web1", /*replayed=*/true, now_ms + 1000);
  CHECK(h.Find("Hot") == nullptr);
  CHECK(h.sink.Take().empty());
  // The next live batch is evaluated normally.
  h.Step({Temp(60)});
  CHECK(h.Find("Hot") != nullptr);
}

TEST_CASE("rate() is reset-safe over its window", "[alerting]") {
  Harness h(
      "rules:\n"
      "  - name: Rate\n"
      "    expr: {func: rate, window: 5m, select: c_total}\n"
      "    op: \">=\"\n"
      "    threshold: 0\n");
  for (double v : {100.0, 200.0, 300.0, 50.0, 150.0}) h.Step({{"c_total", {}, v}});
  auto a = h.Find("Rate");
  REQUIRE(a != nullptr);
  // 100 + 100 + 50 (after the reset) + 100 over 60 s.
  CHECK(a->value == Approx(350.0 / 60.0));
  // Samples older than the window do not count.
  for (int i = 0; i < 30; ++i) h.Step({{"c_total", {}, 150.0 + 15 * (i + 1)}});
  CHECK(h.Find("Rate")->value == Approx(1.0));
}

TEST_CASE("A ratio with a zero denominator has no value and raises nothing", "[alerting]") {
  Harness h(
      "rules:\n"
      "  - name: Await\n"
      "    expr:\n"
      "      func: rate\n"
      "      window: 5m\n"
      "      select: time_total\n"
      "      divide_by: {select: ops_total}\n"
      "      by: [device]\n"
      "    op: \">=\"\n"
      "    threshold: 0\n");
  // Idle disk: neither counter moves.
  for (int i = 0; i < 4; ++i) {
    h.Step({{"time_total", {{"device", "sda"}}, 5}, {"ops_total", {{"device", "sda"}}, 100}});
  }
  CHECK(h.engine->Alerts().empty());
  std::string exposition;
  h.engine->WriteExposition(&exposition);
  CHECK_FALSE(absl::StrContains(exposition, "hostmon_rule_value{"));
  // Moving again: a value (0.5 s per op).
  h.Step({{"time_total", {{"device", "sda"}}, 10}, {"ops_total", {{"device", "sda"}}, 110}});
  auto a = h.Find("Await");
  REQUIRE(a != nullptr);
  CHECK(a->value == Approx(0.5));
}

TEST_CASE("Series no rule references are not kept", "[alerting]") {
  Harness h(GaugeRule("    threshold: 50\n"));
  h.Step({Temp(1), {"node_load1", {}, 1}, {"other", {{"a", "b"}}, 2}});
  CHECK(h.engine->tracked_series() == 1);
}

TEST_CASE("Reload keeps the state of unchanged rules and resets changed ones", "[alerting]") {
  const std::string two_rules =
      "settings:\n  flap_window: 0s\n"
      "rules:\n"
      "  - name: Slow\n"
      "    expr: {select: temp}\n"
      "    op: \">\"\n"
      "    threshold: 50\n"
      "    for: 10m\n"
      "  - name: Fast\n"
      "    expr: {select: temp}\n"
      "    op: \">\"\n"
      "    threshold: 50\n";
  Harness h(two_rules);
  h.Step({Temp(60)});
  const absl::Time active = h.clock.Now();
  REQUIRE(h.Find("Slow") != nullptr);
  REQUIRE(h.Find("Fast") != nullptr);
  CHECK(h.sink.Take().size() == 1);
  for (int i = 0; i < 20; ++i) h.Step({Temp(60)});

  // Same rules, one annotation added to Slow, Fast's threshold changed.
  std::string edited = two_rules;
  edited.replace(edited.find("    for: 10m\n"), 13,
                 "    for: 10m\n    annotations: {summary: \"now with text\"}\n");
  edited.replace(edited.rfind("threshold: 50"), 13, "threshold: 55");
  absl::StatusOr<RuleSet> next = ParseRules(edited, "rules.yml");
  REQUIRE(next.ok());
  h.engine->ReplaceRules(*std::move(next));
  auto slow = h.Find("Slow");
  REQUIRE(slow != nullptr);
  CHECK(slow->active_at == active);  // pending for 5 minutes already
  CHECK(Label(slow->annotations, "summary") == "now with text");
  CHECK(h.Find("Fast") == nullptr);  // changed: starts over
  std::vector<Notification> n = h.sink.Take();
  REQUIRE(n.size() == 1);  // Fast's old alert resolved
  CHECK(Label(n[0].labels, "alertname") == "Fast");
  CHECK(n[0].ends_at != absl::InfiniteFuture());
  for (int i = 0; i < 20; ++i) h.Step({Temp(60)});
  CHECK(h.Find("Slow")->state == AlertState::kFiring);

  // A broken file never reaches the engine: the loader fails first and the old rules stay,
  // with their state.
  const std::string path = absl::StrCat(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp",
                                        "/hostmon_reload_test_", getpid(), ".yml");
  {
    std::ofstream f(path);
    f << "rules:\n  - name: Slow\n    expr: {select: temp}\n    op: \">\"\n    threshold: x\n";
  }
  CHECK(h.sink.Take().size() == 2);  // Slow fired; Fast (new threshold 55) fired again
  absl::Status s = h.engine->ReloadFromFile(path);
  std::remove(path.c_str());
  CHECK(absl::StrContains(s.message(), absl::StrCat(path, ":5: field \"rules[0].threshold\"")));
  CHECK(h.engine->rule_count() == 2);
  CHECK(h.Find("Slow")->state == AlertState::kFiring);
  CHECK(h.sink.Take().empty());
}

TEST_CASE("Exposition mirrors ALERTS and exports rule values", "[alerting]") {
  Harness h(
      "rules:\n"
      "  - name: Busy\n"
      "    expr: {select: util, by: [device]}\n"
      "    op: \">\"\n"
      "    threshold: 50\n"
      "    for: 1m\n"
      "    labels: {team: storage}\n");
  h.Step({{"util", {{"device", "sda"}}, 90}, {"util", {{"device", "sdb"}}, 10}});
  std::string out;
  h.engine->WriteExposition(&out);
  INFO(out);
  CHECK(absl::StrContains(out, "# TYPE hostmon_alerts gauge\n"));
  CHECK(absl::StrContains(
      out,
      "hostmon_alerts{alertname=\"Busy\",alertstate=\"pending\",device=\"sda\","
      "instance=\"web1\",job=\"node\",severity=\"warning\",team=\"storage\"} 1\n"));
  CHECK(absl::StrContains(
      out, absl::StrCat("hostmon_alerts_for_state{alertname=\"Busy\",device=\"sda\",instance="
                        "\"web1\",job=\"node\",severity=\"warning\",team=\"storage\"} ",
                        absl::ToUnixSeconds(h.clock.Now()), "\n")));
  CHECK(absl::StrContains(out,
                          "hostmon_rule_value{rule=\"Busy\",device=\"sdb\",instance=\"web1\","
                          "job=\"node\",team=\"storage\"} 10\n"));
  CHECK(absl::StrContains(out, "hostmon_alerting_rules 1\n"));
  CHECK_FALSE(absl::StrContains(out, "alertstate=\"firing\""));
}

TEST_CASE("Concurrent batches, events and ticks are safe", "[alerting]") {
  Harness h(GaugeRule("    threshold: 50\n    for: 1s\n", "1s"));
  auto feed = [&](const std::string& host) {
    for (int i = 0; i < 300; ++i) {
      testing::BatchMaker m(host, h.clock.Now(), 1700000000000 + i * 1000);
      m.Add(Temp(i % 7 == 0 ? 10 : 90));
      h.engine->OnBatch(m.batch());
      if (i % 50 == 0) {
        h.engine->OnHostEvent(host, testing::HostLabels(host), HostEvent::kConnected,
                              h.clock.Now());
      }
    }
  };
  std::thread a(feed, "a"), b(feed, "b");
  for (int i = 0; i < 100; ++i) {
    h.Tick(absl::Milliseconds(100));
    (void)h.engine->Alerts();
    std::string out;
    h.engine->WriteExposition(&out);
  }
  a.join();
  b.join();
  h.Step({Temp(90)}, absl::Seconds(1), "a");
  h.Step({Temp(90)}, absl::Seconds(0), "b");
  CHECK(h.engine->tracked_series() == 2);
}

}  // namespace
}  // namespace hostmon::collector::alerting

namespace hostmon::collector::alerting {
namespace {

TEST_CASE("Old replayed samples are dropped, a stepped-back agent clock restarts windows",
          "[alerting]") {
  testing::Harness h(
      "agent_silent:\n  enabled: false\n"
      "rules:\n"
      "  - name: Rate\n"
      "    expr: {func: rate, window: 5m, select: c_total}\n"
      "    op: \">=\"\n"
      "    threshold: 0\n");
  double v = 0;
  for (int i = 0; i < 5; ++i) h.Step({{"c_total", {}, v += 15}});
  REQUIRE(h.Find("Rate") != nullptr);
  CHECK(h.Find("Rate")->value == Approx(1));
  // Backlog older than the live data (sent after it): ignored, the window is intact.
  const int64_t now_ms = absl::ToUnixMillis(h.clock.Now());
  h.Deliver({{"c_total", {}, 0}}, "web1", /*replayed=*/true, now_ms - 600000);
  h.Step({{"c_total", {}, v += 15}});
  CHECK(h.Find("Rate")->value == Approx(1));
  // The agent's clock jumps back an hour: the window restarts from the new sample (one sample:
  // no rate yet), instead of the host being ignored until its clock catches up.
  h.clock.Advance(absl::Seconds(15));
  h.Deliver({{"c_total", {}, v += 15}}, "web1", false,
            absl::ToUnixMillis(h.clock.Now() - absl::Hours(1)));
  CHECK(h.Find("Rate") == nullptr);
  h.clock.Advance(absl::Seconds(15));
  h.Deliver({{"c_total", {}, v += 30}}, "web1", false,
            absl::ToUnixMillis(h.clock.Now() - absl::Hours(1)));
  REQUIRE(h.Find("Rate") != nullptr);
  CHECK(h.Find("Rate")->value == Approx(2));
}

}  // namespace
}  // namespace hostmon::collector::alerting

namespace hostmon::collector::alerting {
namespace {

constexpr char kRestartRules[] =
    "settings:\n  flap_window: 2m\n"
    "host_down:\n  grace: 1m\n"
    "agent_silent:\n  enabled: false\n"
    "rules:\n"
    "  - name: Hot\n"
    "    expr: {select: temp}\n"
    "    op: \">\"\n"
    "    threshold: 50\n"
    "    for: 30s\n";

TEST_CASE("State across a restart: firing alerts continue, absent hosts become HostDown",
          "[alerting]") {
  testing::Harness before(kRestartRules);
  for (const char* host : {"web1", "web2", "web3"}) before.Event(HostEvent::kConnected, host);
  before.Step({Temp(90)}, absl::Seconds(15), "web1");
  before.Step({Temp(90)}, absl::Seconds(30), "web1");
  std::vector<Notification> fired = before.sink.Take();
  REQUIRE(fired.size() == 1);
  before.Event(HostEvent::kGoodbye, "web3");  // stopped on purpose before the restart
  // Collector shutdown: every remaining stream is drained.
  before.Event(HostEvent::kDrained, "web1");
  before.Event(HostEvent::kDrained, "web2");
  before.Tick(absl::Seconds(1));
  CHECK(before.sink.Take().empty());
  const std::string state = before.engine->SaveState();
  INFO(state);

  testing::Harness after(kRestartRules);
  after.clock.Advance(absl::Minutes(1));
  REQUIRE(after.engine->RestoreState(state).ok());
  // Alertmanager keeps seeing Hot as firing, with its original start.
  std::vector<Notification> resend = after.engine->NotificationsToResend(after.clock.Now());
  REQUIRE(resend.size() == 1);
  CHECK(resend[0].starts_at == fired[0].starts_at);
  CHECK(resend[0].ends_at == absl::InfiniteFuture());
  // web1 comes back and is still hot: after `for`, the alert continues without a notification.
  after.Event(HostEvent::kConnected, "web1");
  after.Step({Temp(90)}, absl::Seconds(15), "web1");
  after.Step({Temp(90)}, absl::Seconds(30), "web1");
  REQUIRE(after.Find("Hot") != nullptr);
  CHECK(after.Find("Hot")->state == AlertState::kFiring);
  // web2 never comes back: HostDown after the grace counted from the restart; web3 said goodbye.
  after.Tick(absl::Seconds(20));
  std::vector<Notification> n = after.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(Label(n[0].labels, "alertname") == "HostDown");
  CHECK(Label(n[0].labels, "instance") == "web2");
  CHECK(Label(n[0].labels, "job") == "node");
  resend = after.engine->NotificationsToResend(after.clock.Now());
  REQUIRE(resend.size() == 2);
  CHECK(resend[1].starts_at == fired[0].starts_at);  // sorted: HostDown, Hot

  // A restored firing alert that does not fire again is resolved after its hold.
  testing::Harness idle(kRestartRules);
  REQUIRE(idle.engine->RestoreState(state).ok());
  idle.Event(HostEvent::kConnected, "web1");
  idle.Event(HostEvent::kConnected, "web2");
  idle.Tick(absl::Minutes(2));
  CHECK(idle.sink.Take().empty());
  idle.Tick(absl::Seconds(31));
  n = idle.sink.Take();
  REQUIRE(n.size() == 1);
  CHECK(Label(n[0].labels, "alertname") == "Hot");
  CHECK(n[0].ends_at != absl::InfiniteFuture());
}

TEST_CASE("Bad alert state is refused and changes nothing", "[alerting]") {
  testing::Harness h(kRestartRules);
  for (const char* bad :
       {"", "[]", "{\"version\": 2, \"hosts\": [], \"alerts\": []}",
        "{\"version\": 1, \"hosts\": [{\"name\": 5}], \"alerts\": []}",
        "{\"version\": 1, \"hosts\": [], \"alerts\": [{\"labels\": {}, \"annotations\": {}, "
        "\"starts_at_ms\": 1, \"ends_at_ms\": null, \"state\": \"weird\"}]}",
        "{\"version\": 1, \"hosts\": [{\"name\": \"x\", \"labels\": {}, \"lost_at_ms\": null, "
        "\"interval_ms\": 1000}]"}) {
    INFO(bad);
    CHECK_FALSE(h.engine->RestoreState(bad).ok());
  }
  h.Tick(absl::Minutes(5));
  CHECK(h.engine->Alerts().empty());
  CHECK(h.engine->NotificationsToResend(h.clock.Now()).empty());
  // A missing state file is a first start, not an error.
  CHECK(h.engine->RestoreStateFile("/nonexistent/hostmon-alert-state.json").ok());
  // Round trip through a file.
  const std::string path = absl::StrCat("/tmp/hostmon_state_test_", getpid(), ".json");
  REQUIRE(h.engine->SaveStateFile(path).ok());
  CHECK(h.engine->RestoreStateFile(path).ok());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hostmon::collector::alerting

namespace hostmon::collector::alerting {
namespace {

TEST_CASE("Window functions and aggregations over the series of a group", "[alerting]") {
  auto rule = [](const std::string& name, const std::string& func, const std::string& agg) {
    return absl::StrCat("  - name: ", name, "\n    expr: {func: ", func,
                        ", window: 1m, select: 'v{k!=\"skip\"}', aggregate: ", agg,
                        "}\n    op: \">=\"\n    threshold: -1000\n");
  };
  testing::Harness h(
      absl::StrCat("agent_silent:\n  enabled: false\nrules:\n", rule("Inc", "increase", "sum"),
                   rule("Avg", "avg_over_time", "avg"), rule("Max", "max_over_time", "max"),
                   rule("Min", "min_over_time", "min"), rule("Count", "avg_over_time", "count")));
  // Series a: 1, 5, 3, 4, 10 (the first falls out of the 1m window); b: 100 each; skip: ignored.
  const double a[] = {1, 5, 3, 4, 10};
  for (double v : a) {
    h.Step({{"v", {{"k", "a"}}, v}, {"v", {{"k", "b"}}, 100}, {"v", {{"k", "skip"}}, 1e9}});
  }
  auto value = [&](const std::string& name) {
    auto alert = h.Find(name);
    REQUIRE(alert != nullptr);
    return alert->value;
  };
  // increase: a went 5 -> 3 (a reset: +3), 3 -> 4 (+1), 4 -> 10 (+6) = 10; b + 0.
  CHECK(value("Inc") == Approx(10));
  CHECK(value("Avg") == Approx(((5 + 3 + 4 + 10) / 4.0 + 100) / 2));
  CHECK(value("Max") == Approx(100));
  CHECK(value("Min") == Approx(3));
  CHECK(value("Count") == Approx(2));
}

TEST_CASE("A below-threshold rule clears above its clear threshold", "[alerting]") {
  testing::Harness h(
      "settings:\n  flap_window: 0s\n"
      "agent_silent:\n  enabled: false\n"
      "rules:\n"
      "  - name: LowSpace\n"
      "    expr: {select: free_percent}\n"
      "    op: \"<\"\n"
      "    severities:\n"
      "      info: {threshold: 20}\n"
      "      critical: {threshold: 5, clear: 8}\n");
  h.Step({{"free_percent", {}, 15}});
  CHECK(Label(h.Find("LowSpace")->labels, "severity") == "info");
  h.Step({{"free_percent", {}, 4}});
  CHECK(Label(h.Find("LowSpace")->labels, "severity") == "critical");
  h.Step({{"free_percent", {}, 7}});  // above 5, below the clear threshold 8
  CHECK(Label(h.Find("LowSpace")->labels, "severity") == "critical");
  h.Step({{"free_percent", {}, 9}});
  CHECK(Label(h.Find("LowSpace")->labels, "severity") == "info");
  h.Step({{"free_percent", {}, 25}});
  CHECK(h.Find("LowSpace") == nullptr);
}

}  // namespace
}  // namespace hostmon::collector::alerting
