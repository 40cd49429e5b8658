// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/alerting_service.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "collector/collector_config.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "nlohmann/json.hpp"
#include "prometheus/text_serializer.h"

namespace hostmon::collector::alerting {
namespace {

// A scripted rule engine: "rules" are the file names; a file named "broken" fails to load.
class FakeEvaluator : public RuleEvaluator {
 public:
  absl::Status LoadRules(const std::vector<std::string>& files) override {
    for (const std::string& f : files) {
      if (f.find("broken") != std::string::npos) {
        return absl::InvalidArgumentError(f + ":2: field \"rules[0].expr\": unknown function");
      }
    }
    loaded = files;
    ++loads;
    return absl::OkStatus();
  }
  void SetNotificationSink(NotificationSink* s) override { sink = s; }
  void Tick(absl::Time now) override { ticks.push_back(now); }
  std::vector<Alert> Alerts() const override { return alerts; }
  void WriteExposition(std::string* out) const override {
    out->append("hostmon_alerts{alertname=\"X\",alertstate=\"firing\"} 1\n");
  }
  std::vector<Notification> NotificationsToResend(absl::Time) override {
    ++resend_calls;
    return resend;
  }
  absl::Status SaveStateFile(const std::string& path) const override {
    saved.push_back(path);
    return save_error;
  }
  absl::Status RestoreStateFile(const std::string& path) override {
    restored.push_back(path);
    return absl::OkStatus();
  }
  void OnBatch(const AppliedBatch& batch) override {
    // Evaluation on arrival decides to fire: the notification goes out from here.
    Notification n;
    n.labels = {{"alertname", "HostCpuHigh"}, {"instance", batch.host}};
    n.starts_at = batch.arrival;
    sink->Notify({n});
  }

  std::vector<std::string> loaded;
  int loads = 0;
  NotificationSink* sink = nullptr;
  std::vector<absl::Time> ticks;
  std::vector<Alert> alerts;
  std::vector<Notification> resend;
  int resend_calls = 0;
  mutable std::vector<std::string> saved;
  absl::Status save_error;
  std::vector<std::string> restored;
};

class RecordingTransport : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> PostJson(const std::string&, const std::string& body,
                                        absl::Duration) override {
    absl::MutexLock lock(&mu);
    bodies.push_back(body);
    return HttpResponse{200, ""};
  }
  absl::Mutex mu;
  std::vector<std::string> bodies;
};

AlertingOptions Opts() {
  AlertingOptions o;
  o.rule_files = {"rules.yml"};
  o.alertmanager_urls = {"http://am:9093"};
  o.resend_interval = absl::Seconds(60);
  return o;
}

TEST_CASE("AlertingService reload: POST only, a broken file keeps the old rules (500)",
          "[alerting]") {
  testing::FakeClock clock;
  FakeEvaluator engine;
  prometheus::Registry registry;
  AlertingOptions o = Opts();
  o.alertmanager_urls.clear();
  AlertingService service(o, &engine, &clock, &registry);
  REQUIRE(service.LoadInitialRules().ok());
  std::string body, type;
  CHECK(service.ServeReload("GET", &body, &type) == 405);
  CHECK(body == "Only POST or PUT requests allowed\n");
  CHECK(engine.loads == 1);
  CHECK(service.ServeReload("POST", &body, &type) == 200);
  CHECK(service.ServeReload("PUT", &body, &type) == 200);
  CHECK(engine.loads == 3);

  AlertingOptions bad = o;
  bad.rule_files = {"rules.yml", "broken.yml"};
  FakeEvaluator engine2;
  prometheus::Registry registry2;
  AlertingService service2(bad, &engine2, &clock, &registry2);
  CHECK(service2.LoadInitialRules().message() ==
        "broken.yml:2: field \"rules[0].expr\": unknown function");
  CHECK(service2.ServeReload("POST", &body, &type) == 500);
  CHECK(body ==
        "failed to reload rules: broken.yml:2: field \"rules[0].expr\": unknown "
        "function\n");
  CHECK(engine2.loads == 0);
  CHECK_THAT(prometheus::TextSerializer().Serialize(registry2.Collect()),
             Catch::Contains("hostmon_collector_rules_last_reload_successful 0"));
}

TEST_CASE("AlertingService ticks the engine and re-sends every resend_interval", "[alerting]") {
  testing::FakeClock clock;
  FakeEvaluator engine;
  auto transport = std::make_unique<RecordingTransport>();
  RecordingTransport* t = transport.get();
  prometheus::Registry registry;
  AlertingService service(Opts(), &engine, &clock, &registry, std::move(transport));
  REQUIRE(engine.sink == service.client());
  Notification firing;
  firing.labels = {{"alertname", "HostDown"}};
  firing.starts_at = clock.Now();
  engine.resend = {firing};
  service.TickOnce(clock.Now());  // the first tick re-sends (nothing was sent before)
  for (int i = 0; i < 59; ++i) {
    clock.Advance(absl::Seconds(1));
    service.TickOnce(clock.Now());
  }
  CHECK(engine.ticks.size() == 60);
  CHECK(engine.resend_calls == 1);
  clock.Advance(absl::Seconds(1));
  service.TickOnce(clock.Now());
  CHECK(engine.resend_calls == 2);
  CHECK(service.client()->queue_length(0) == 2);
  service.client()->SendDue();
  REQUIRE(t->bodies.size() == 1);
  auto doc = nlohmann::json::parse(t->bodies[0]);
  REQUIRE(doc.size() == 2);
  // Firing alerts carry endsAt = now + 4 x resend_interval so Alertmanager resolves them itself
  // if the collector stops re-sending.
  CHECK(doc[0]["endsAt"] == FormatRfc3339(clock.Now() + absl::Minutes(4)));
}

TEST_CASE("AlertingService restores state at start, saves periodically and at Stop", "[alerting]") {
  testing::FakeClock clock;
  FakeEvaluator engine;
  prometheus::Registry registry;
  AlertingOptions o = Opts();
  o.alertmanager_urls.clear();
  o.state_file = "/var/lib/hostmon-collector/alerts.json";
  o.state_save_interval = absl::Seconds(60);
  o.evaluation_tick = absl::Milliseconds(100);
  AlertingService service(o, &engine, &clock, &registry);
  REQUIRE(service.LoadInitialRules().ok());
  CHECK(engine.restored == std::vector<std::string>{o.state_file});
  service.TickOnce(clock.Now());  // never saved before: saves
  CHECK(engine.saved.size() == 1);
  clock.Advance(absl::Seconds(59));
  service.TickOnce(clock.Now());
  CHECK(engine.saved.size() == 1);
  clock.Advance(absl::Seconds(1));
  engine.save_error = absl::UnavailableError("disk full");
  service.TickOnce(clock.Now());  // fails; logged once, retried next period
  CHECK(engine.saved.size() == 2);
  engine.save_error = absl::OkStatus();
  service.Start();
  service.Stop();  // the last save, after the streams ended
  CHECK(engine.saved.size() == 3);
  CHECK(engine.saved.back() == o.state_file);
  service.Stop();  // idempotent
  CHECK(engine.saved.size() == 3);
}

TEST_CASE("AlertingService: batches reach the engine, delay counted from arrival", "[alerting]") {
  testing::FakeClock clock;
  FakeEvaluator engine;
  auto transport = std::make_unique<RecordingTransport>();
  prometheus::Registry registry;
  AlertingService service(Opts(), &engine, &clock, &registry, std::move(transport));
  AppliedBatch batch;
  batch.host = "web-1";
  batch.arrival = clock.Now();
  clock.Advance(absl::Milliseconds(300));  // arrival -> delivery
  service.OnBatch(batch);
  CHECK(service.client()->SendDue() == 1);
  CHECK_THAT(prometheus::TextSerializer().Serialize(registry.Collect()),
             Catch::Contains("hostmon_collector_alertmanager_notification_delay_seconds_sum{"
                             "alertmanager=\"http://am:9093\"} 0.3"));
}

TEST_CASE("AlertingService serves /api/v1/alerts and the engine's exposition", "[alerting]") {
  testing::FakeClock clock;
  FakeEvaluator engine;
  prometheus::Registry registry;
  AlertingService service(Opts(), &engine, &clock, &registry,
                          std::make_unique<RecordingTransport>());
  Alert a;
  a.labels = {{"alertname", "HostCpuHigh"}};
  a.state = AlertState::kFiring;
  a.value = 95;
  a.active_at = absl::FromUnixSeconds(0);
  engine.alerts = {a};
  std::string body, type;
  CHECK(service.ServeAlerts(&body, &type) == 200);
  CHECK(type == "application/json");
  auto doc = nlohmann::json::parse(body);
  CHECK(doc["status"] == "success");
  CHECK(doc["data"]["alerts"][0]["state"] == "firing");
  CHECK(doc["data"]["alerts"][0]["value"] == "9.5e+01");
  std::string exposition;
  service.WriteExposition(&exposition);
  CHECK_THAT(exposition, Catch::Contains("hostmon_alerts{"));
}

TEST_CASE("ValidateAlertingOptions names the bad field", "[alerting]") {
  AlertingOptions o;
  CHECK(ValidateAlertingOptions(o).ok());
  o.alertmanager_urls = {"am:9093"};
  CHECK(ValidateAlertingOptions(o).message() ==
        "alerting.alertmanagers.urls: \"am:9093\" must start with http:// or https://");
  o.alertmanager_urls = {"https://am.example.org"};
  o.evaluation_tick = absl::Milliseconds(10);
  CHECK(ValidateAlertingOptions(o).message() ==
        "alerting.evaluation_tick must be between 100ms and 1m");
  o.evaluation_tick = absl::Seconds(1);
  o.http.bearer_token_file = "/nonexistent/token";
  CHECK(ValidateAlertingOptions(o).message() ==
        "alerting.alertmanagers: cannot read bearer_token_file /nonexistent/token");
}

TEST_CASE("Collector config: alerting section with file:line:field errors", "[alerting]") {
  testing::ScopedTempDir dir;
  CollectorConfig c;
  const std::string path = dir.Write("collector.yml", R"(alerting:
  rule_files: [/etc/hostmon/rules.yml, /etc/hostmon/more.yml]
  evaluation_tick: 500ms
  resend_interval: 30s
  state_file: /var/lib/hostmon-collector/alert-state.json
  state_save_interval: 5m
  alertmanagers:
    urls: [http://127.0.0.1:9093, "https://am.example.org/am"]
    timeout: 3s
    queue_capacity: 100
    max_batch_size: 10
    retry_min_backoff: 1s
    retry_max_backoff: 10s
    retry_give_up_after: 1m
    basic_auth:
      username: hostmon
)");
  REQUIRE(LoadCollectorConfigFile(path, &c).ok());
  CHECK(c.alerting.rule_files ==
        std::vector<std::string>{"/etc/hostmon/rules.yml", "/etc/hostmon/more.yml"});
  CHECK(c.alerting.evaluation_tick == absl::Milliseconds(500));
  CHECK(c.alerting.resend_interval == absl::Seconds(30));
  CHECK(c.alerting.state_file == "/var/lib/hostmon-collector/alert-state.json");
  CHECK(c.alerting.state_save_interval == absl::Minutes(5));
  CHECK(c.alerting.alertmanager_urls.size() == 2);
  CHECK(c.alerting.alertmanager_timeout == absl::Seconds(3));
  CHECK(c.alerting.alertmanager_queue_capacity == 100);
  CHECK(c.alerting.alertmanager_max_batch_size == 10);
  CHECK(c.alerting.alertmanager_give_up_after == absl::Minutes(1));
  CHECK(c.alerting.http.basic_auth_username == "hostmon");

  struct Case {
    const char* yaml;
    std::string error;
  };
  const Case cases[] = {
      {"alerting:\n  rules: [a]\n", ":2: field \"alerting.rules\": unknown key"},
      {"alerting:\n  resend_interval: soon\n",
       ":2: field \"alerting.resend_interval\": expected a duration"},
      {"alerting:\n  resend_interval: 0s\n",
       ":2: field \"alerting.resend_interval\": must be positive"},
      {"alerting:\n  alertmanagers:\n    urls:\n      - http://a:9093\n      - b:9093\n",
       ":5: field \"alerting.alertmanagers.urls[1]\": \"b:9093\" must start with http://"},
      {"alerting:\n  alertmanagers:\n    queue_capacity: 0\n",
       ":3: field \"alerting.alertmanagers.queue_capacity\": must be positive"},
      {"alerting:\n  alertmanagers:\n    basic_auth:\n      user: x\n",
       ":4: field \"alerting.alertmanagers.basic_auth.user\": unknown key"},
  };
  for (const Case& k : cases) {
    INFO(k.yaml);
    CollectorConfig d;
    const std::string p = dir.Write("bad.yml", k.yaml);
    absl::Status s = LoadCollectorConfigFile(p, &d);
    CHECK_THAT(std::string(s.message()), Catch::Contains(p + k.error));
  }
}

}  // namespace
}  // namespace hostmon::collector::alerting
