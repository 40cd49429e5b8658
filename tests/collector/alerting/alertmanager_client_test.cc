// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/alertmanager_client.h"

#include <catch2/catch.hpp>
#include <deque>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "fakes/fake_clock.h"
#include "fakes/wait_for.h"
#include "nlohmann/json.hpp"
#include "prometheus/text_serializer.h"

namespace hostmon::collector::alerting {
namespace {

using ::hostmon::testing::WaitFor;

// Answers POSTs from a script (an HTTP status, or 0 for "no answer"); records every request.
class FakeTransport : public HttpTransport {
 public:
  struct Request {
    std::string url;
    std::string body;
  };
  explicit FakeTransport(testing::FakeClock* clock = nullptr) : clock_(clock) {}
  absl::StatusOr<HttpResponse> PostJson(const std::string& url, const std::string& body,
                                        absl::Duration) override {
    absl::MutexLock lock(&mu_);
    requests.push_back({url, body});
    if (clock_ != nullptr) clock_->Advance(absl::Milliseconds(5));  // the request's duration
    int status = 200;
    if (!script.empty()) {
      status = script.front();
      script.pop_front();
    }
    if (status == 0) return absl::UnavailableError("connection refused");
    return HttpResponse{status, status == 200 ? "" : "{\"message\":\"nope\"}"};
  }
  std::deque<int> script;
  std::vector<Request> requests;

 private:
  absl::Mutex mu_;
  testing::FakeClock* clock_;
};

Notification Firing(const std::string& name, absl::Time starts) {
  Notification n;
  n.labels = {{"alertname", name}, {"instance", "web-1"}, {"severity", "critical"}};
  n.annotations = {{"summary", "CPU busy 95%"}};
  n.starts_at = starts;
  n.generator_url = "http://collector:9711/api/v1/alerts";
  return n;
}

std::string Metrics(prometheus::Registry& r) {
  return prometheus::TextSerializer().Serialize(r.Collect());
}

AlertmanagerClientOptions Options(std::vector<std::string> urls) {
  AlertmanagerClientOptions o;
  o.urls = std::move(urls);
  o.jitter = 0;  // exact backoff values; jitter has its own test
  return o;
}

TEST_CASE("EncodePostableAlerts: golden postableAlerts body", "[alerting]") {
  const absl::Time t0 = absl::FromUnixMillis(1763749800250);  // 2025-11-21T18:30:00.250Z
  Notification firing = Firing("HostCpuHigh", t0);
  Notification resolved = Firing("HostDown", t0);
  resolved.ends_at = t0 + absl::Seconds(90);
  resolved.generator_url.clear();
  resolved.annotations.clear();
  const std::string body =
      EncodePostableAlerts({firing, resolved}, t0 + absl::Seconds(10), absl::Minutes(4));
  CHECK(body ==
        R"([{"annotations":{"summary":"CPU busy 95%"},"endsAt":"2025-11-21T18:34:10.250Z",)"
        R"("generatorURL":"http://collector:9711/api/v1/alerts","labels":{"alertname":)"
        R"("HostCpuHigh","instance":"web-1","severity":"critical"},"startsAt":)"
        R"("2025-11-21T18:30:00.250Z"},{"annotations":{},"endsAt":"2025-11-21T18:31:30.250Z",)"
        R"("labels":{"alertname":"HostDown","instance":"web-1","severity":"critical"},)"
        R"("startsAt":"2025-11-21T18:30:00.250Z"}])");
}

TEST_CASE("EncodePostableAlerts: firing without validity omits endsAt, bad UTF-8 replaced",
          "[alerting]") {
  Notification n = Firing("X", absl::FromUnixSeconds(0));
  n.annotations = {{"description", std::string("bad \xff byte")}};
  const std::string body =
      EncodePostableAlerts({n}, absl::FromUnixSeconds(5), absl::ZeroDuration());
  auto doc = nlohmann::json::parse(body);
  REQUIRE(doc.size() == 1);
  CHECK_FALSE(doc[0].contains("endsAt"));
  CHECK(doc[0]["startsAt"] == "1970-01-01T00:00:00.000Z");
  CHECK(doc[0]["annotations"]["description"] == "bad \xEF\xBF\xBD byte");
  CHECK(EncodePostableAlerts({}, absl::Now(), absl::ZeroDuration()) == "[]");
}

TEST_CASE("AlertmanagerClient sends every notification to every Alertmanager", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport;
  prometheus::Registry registry;
  AlertmanagerClient client(Options({"http://am1:9093", "http://am2:9093/prefix/"}), &transport,
                            &clock, &registry);
  client.Notify({Firing("A", clock.Now()), Firing("B", clock.Now())});
  CHECK(client.queue_length(0) == 2);
  CHECK(client.SendDue() == 2);
  REQUIRE(transport.requests.size() == 2);
  CHECK(transport.requests[0].url == "http://am1:9093/api/v2/alerts");
  CHECK(transport.requests[1].url == "http://am2:9093/prefix/api/v2/alerts");
  CHECK(nlohmann::json::parse(transport.requests[0].body).size() == 2);
  CHECK(client.queue_length(0) == 0);
  CHECK(client.SendDue() == 0);  // nothing left
  const std::string m = Metrics(registry);
  CHECK_THAT(m, Catch::Contains("hostmon_collector_alertmanager_notifications_sent_total{"
                                "alertmanager=\"http://am1:9093\"} 2"));
  CHECK_THAT(m, Catch::Contains("hostmon_collector_alertmanager_latency_seconds_count{"
                                "alertmanager=\"http://am1:9093\"} 1"));
}

TEST_CASE("AlertmanagerClient batches at most max_batch_size per POST", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport;
  prometheus::Registry registry;
  auto o = Options({"http://am:9093"});
  o.max_batch_size = 3;
  AlertmanagerClient client(o, &transport, &clock, &registry);
  std::vector<Notification> ns;
  for (int i = 0; i < 7; ++i) ns.push_back(Firing("A" + std::to_string(i), clock.Now()));
  client.Notify(ns);
  while (client.SendDue() > 0) {
  }
  REQUIRE(transport.requests.size() == 3);
  CHECK(nlohmann::json::parse(transport.requests[0].body).size() == 3);
  CHECK(nlohmann::json::parse(transport.requests[2].body).size() == 1);
  // FIFO: the first POST carries the oldest notifications.
  CHECK(nlohmann::json::parse(transport.requests[0].body)[0]["labels"]["alertname"] == "A0");
}

TEST_CASE("AlertmanagerClient retries failures and 5xx with exponential backoff", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport;
  transport.script = {0, 503, 500, 200};  // refused, unavailable, error, then accepted
  prometheus::Registry registry;
  auto o = Options({"http://am:9093"});
  o.min_backoff = absl::Seconds(1);
  o.max_backoff = absl::Seconds(3);
  AlertmanagerClient client(o, &transport, &clock, &registry);
  client.Notify({Firing("A", clock.Now())});

  CHECK(client.SendDue() == 1);  // attempt 1 fails: wait 1 s
  CHECK(client.next_attempt(0) == clock.Now() + absl::Seconds(1));
  CHECK(client.SendDue() == 0);  // not due yet
  clock.Advance(absl::Milliseconds(999));
  CHECK(client.SendDue() == 0);
  clock.Advance(absl::Milliseconds(1));
  CHECK(client.SendDue() == 1);  // attempt 2 (503) fails: wait 2 s
  CHECK(client.next_attempt(0) == clock.Now() + absl::Seconds(2));
  // New notifications queue behind the batch being retried and do not reset its backoff.
  client.Notify({Firing("B", clock.Now())});
  CHECK(client.queue_length(0) == 2);
  clock.Advance(absl::Seconds(2));
  CHECK(client.SendDue() == 1);  // attempt 3 (500) fails: wait 4 s capped at 3 s
  CHECK(client.next_attempt(0) == clock.Now() + absl::Seconds(3));
  clock.Advance(absl::Seconds(3));
  CHECK(client.SendDue() == 1);  // attempt 4 succeeds: same batch (only A)
  REQUIRE(transport.requests.size() == 4);
  for (const auto& r : transport.requests) {
    auto doc = nlohmann::json::parse(r.body);
    REQUIRE(doc.size() == 1);
    CHECK(doc[0]["labels"]["alertname"] == "A");
  }
  CHECK(client.SendDue() == 1);  // then B, at once
  CHECK(nlohmann::json::parse(transport.requests[4].body)[0]["labels"]["alertname"] == "B");
  const std::string m = Metrics(registry);
  CHECK_THAT(m, Catch::Contains("notifications_errors_total{alertmanager=\"http://am:9093\"} 3"));
  CHECK_THAT(m, Catch::Contains("notifications_sent_total{alertmanager=\"http://am:9093\"} 2"));
  // Every POST that got an HTTP answer has a latency: 4 of the 5 (not the refused one).
  CHECK_THAT(m, Catch::Contains("latency_seconds_count{alertmanager=\"http://am:9093\"} 4"));
}

TEST_CASE("AlertmanagerClient backoff jitter stays within bounds", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport;
  prometheus::Registry registry;
  auto o = Options({"http://am:9093"});
  o.min_backoff = absl::Seconds(10);
  o.jitter = 0.2;
  AlertmanagerClient client(o, &transport, &clock, &registry);
  bool saw_different = false;
  absl::Duration first = absl::ZeroDuration();
  for (int i = 0; i < 20; ++i) {
    transport.script = {503, 200};
    client.Notify({Firing("A", clock.Now())});
    REQUIRE(client.SendDue() == 1);
    const absl::Duration wait = client.next_attempt(0) - clock.Now();
    CHECK(wait >= absl::Seconds(8));
    CHECK(wait <= absl::Seconds(12));
    if (i == 0) first = wait;
    if (wait != first) saw_different = true;
    clock.Advance(absl::Seconds(12));
    REQUIRE(client.SendDue() == 1);
  }
  CHECK(saw_different);
}

TEST_CASE("AlertmanagerClient drops a 4xx-rejected batch and counts it", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport;
  transport.script = {400};
  prometheus::Registry registry;
  AlertmanagerClient client(Options({"http://am:9093"}), &transport, &clock, &registry);
  client.Notify({Firing("A", clock.Now()), Firing("B", clock.Now())});
  CHECK(client.SendDue() == 1);
  CHECK(client.queue_length(0) == 0);
  CHECK(client.next_attempt(0) == absl::InfinitePast());
  CHECK_THAT(Metrics(registry),
             Catch::Contains("notifications_dropped_total{alertmanager=\"http://am:9093\","
                             "reason=\"rejected\"} 2"));
}

TEST_CASE("AlertmanagerClient gives up on a batch after the retry period", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport;
  transport.script = {0, 0, 0, 0, 0, 0, 0, 0};
  prometheus::Registry registry;
  auto o = Options({"http://am:9093"});
  o.min_backoff = absl::Seconds(1);
  o.max_backoff = absl::Seconds(1);
  o.give_up_after = absl::Seconds(3);
  AlertmanagerClient client(o, &transport, &clock, &registry);
  client.Notify({Firing("A", clock.Now())});
  int posts = 0;
  for (int i = 0; i < 10 && client.queue_length(0) > 0; ++i) {
    posts += client.SendDue();
    clock.Advance(absl::Seconds(1));
  }
  CHECK(client.queue_length(0) == 0);
  CHECK(posts == 4);  // at 0 s, 1 s, 2 s and 3 s; then the 3 s period is over
  CHECK_THAT(Metrics(registry),
             Catch::Contains("notifications_dropped_total{alertmanager=\"http://am:9093\","
                             "reason=\"gave_up\"} 1"));
}

TEST_CASE("AlertmanagerClient bounded queue drops the oldest, counted", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport;
  prometheus::Registry registry;
  auto o = Options({"http://am:9093"});
  o.queue_capacity = 3;
  AlertmanagerClient client(o, &transport, &clock, &registry);
  std::vector<Notification> ns;
  for (int i = 0; i < 5; ++i) ns.push_back(Firing("A" + std::to_string(i), clock.Now()));
  client.Notify(ns);
  CHECK(client.queue_length(0) == 3);
  const std::string m = Metrics(registry);
  CHECK_THAT(m, Catch::Contains("notifications_dropped_total{alertmanager=\"http://am:9093\","
                                "reason=\"queue_full\"} 2"));
  CHECK_THAT(m, Catch::Contains("hostmon_collector_alertmanager_queue_length{alertmanager="
                                "\"http://am:9093\"} 3"));
  CHECK_THAT(m, Catch::Contains("hostmon_collector_alertmanager_queue_capacity 3"));
  REQUIRE(client.SendDue() == 1);
  auto doc = nlohmann::json::parse(transport.requests[0].body);
  REQUIRE(doc.size() == 3);
  CHECK(doc[0]["labels"]["alertname"] == "A2");  // A0 and A1 were the oldest
  CHECK(doc[2]["labels"]["alertname"] == "A4");
}

TEST_CASE("AlertmanagerClient: a dead Alertmanager does not delay the others", "[alerting]") {
  testing::FakeClock clock;
  class SplitTransport : public HttpTransport {
   public:
    absl::StatusOr<HttpResponse> PostJson(const std::string& url, const std::string&,
                                          absl::Duration) override {
      absl::MutexLock lock(&mu);
      if (url.find("dead") != std::string::npos) return absl::UnavailableError("refused");
      ++good;
      return HttpResponse{200, ""};
    }
    absl::Mutex mu;
    int good = 0;
  } transport;
  prometheus::Registry registry;
  AlertmanagerClient client(Options({"http://dead:9093", "http://alive:9093"}), &transport, &clock,
                            &registry);
  client.Notify({Firing("A", clock.Now())});
  client.SendDue();
  client.Notify({Firing("B", clock.Now())});
  client.SendDue();  // dead is backing off; alive sends B at once
  CHECK(transport.good == 2);
  CHECK(client.queue_length(0) == 2);
  CHECK(client.queue_length(1) == 0);
}

TEST_CASE("AlertmanagerClient delay is measured from the notification's cause", "[alerting]") {
  testing::FakeClock clock;
  FakeTransport transport(&clock);
  prometheus::Registry registry;
  AlertmanagerClient client(Options({"http://am:9093"}), &transport, &clock, &registry);
  {
    // The batch arrived 200 ms before the engine queued its notification.
    ScopedNotificationCause cause(clock.Now() - absl::Milliseconds(200));
    client.Notify({Firing("A", clock.Now())});
  }
  client.SendDue();  // the fake POST takes 5 ms
  const std::string m = Metrics(registry);
  CHECK_THAT(m, Catch::Contains("notification_delay_seconds_sum{alertmanager=\"http://am:9093\"} "
                                "0.205"));
}

TEST_CASE("AlertmanagerClient sender threads deliver and stop", "[alerting]") {
  FakeTransport transport;
  prometheus::Registry registry;
  auto o = Options({"http://am1:9093", "http://am2:9093"});
  AlertmanagerClient client(o, &transport, &common::RealClock::Get(), &registry);
  client.Start();
  client.Notify({Firing("A", absl::Now())});
  CHECK(WaitFor([&] { return client.queue_length(0) == 0 && client.queue_length(1) == 0; }));
  CHECK(client.queue_length(0) == 0);
  CHECK(client.queue_length(1) == 0);
  client.Stop();
  CHECK(transport.requests.size() == 2);
}

}  // namespace
}  // namespace hostmon::collector::alerting
