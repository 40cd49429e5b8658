// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/alertmanager_client.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/backoff.h"
#include "common/log.h"
#include "nlohmann/json.hpp"

namespace hostmon::collector::alerting {
namespace {

namespace log = common::log;

thread_local absl::Time tls_cause = absl::InfinitePast();

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *b;
}

nlohmann::json LabelObject(const LabelPairs& labels) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

}  // namespace

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string EncodePostableAlerts(const std::vector<Notification>& notifications, absl::Time now,
                                 absl::Duration firing_valid_for,
                                 const std::string& default_generator_url) {
  nlohmann::json array = nlohmann::json::array();
  for (const Notification& n : notifications) {
    nlohmann::json a = nlohmann::json::object();
    a["labels"] = LabelObject(n.labels);
    a["annotations"] = LabelObject(n.annotations);
    if (n.starts_at != absl::InfinitePast() && n.starts_at != absl::InfiniteFuture()) {
      a["startsAt"] = FormatRfc3339(n.starts_at);
    }
    if (n.ends_at != absl::InfiniteFuture()) {
      a["endsAt"] = FormatRfc3339(n.ends_at);
    } else if (firing_valid_for > absl::ZeroDuration()) {
      a["endsAt"] = FormatRfc3339(now + firing_valid_for);
    }
    // The schema declares format "uri"; an empty string is left out rather than sent.
    if (!n.generator_url.empty()) {
      a["generatorURL"] = n.generator_url;
    } else if (!default_generator_url.empty()) {
      a["generatorURL"] = default_generator_url;
    }
    array.push_back(std::move(a));
  }
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ScopedNotificationCause::ScopedNotificationCause(absl::Time cause) : previous_(tls_cause) {
  tls_cause = cause;
}
ScopedNotificationCause::~ScopedNotificationCause() { tls_cause = previous_; }

AlertmanagerClient::AlertmanagerClient(AlertmanagerClientOptions options, HttpTransport* transport,
                                       const common::Clock* clock, prometheus::Registry* registry)
    : options_(std::move(options)), transport_(transport), clock_(clock) {
  auto& sent = prometheus::BuildCounter()
                   .Name("hostmon_collector_alertmanager_notifications_sent_total")
                   .Help("Notifications delivered to the Alertmanager (HTTP 2xx)")
                   .Register(*registry);
  auto& errors = prometheus::BuildCounter()
                     .Name("hostmon_collector_alertmanager_notifications_errors_total")
                     .Help(
                         "Notifications in POSTs that failed (no answer, non-2xx); each failed "
                         "attempt counts")
                     .Register(*registry);
  auto& dropped = prometheus::BuildCounter()
                      .Name("hostmon_collector_alertmanager_notifications_dropped_total")
                      .Help(
                          "Notifications never delivered: queue_full (oldest dropped), rejected "
                          "(HTTP 4xx), gave_up (still failing after the retry period)")
                      .Register(*registry);
  auto& queue = prometheus::BuildGauge()
                    .Name("hostmon_collector_alertmanager_queue_length")
                    .Help("Notifications waiting to be sent, including a batch being retried")
                    .Register(*registry);
  auto& capacity = prometheus::BuildGauge()
                       .Name("hostmon_collector_alertmanager_queue_capacity")
                       .Help("Maximum notifications queued per Alertmanager")
                       .Register(*registry);
  auto& latency = prometheus::BuildHistogram()
                      .Name("hostmon_collector_alertmanager_latency_seconds")
                      .Help("Duration of POST /api/v2/alerts requests that got an HTTP answer")
                      .Register(*registry);
  auto& delay = prometheus::BuildHistogram()
                    .Name("hostmon_collector_alertmanager_notification_delay_seconds")
                    .Help(
                        "From the batch arrival (or evaluation) that caused a notification to "
                        "its delivery to the Alertmanager")
                    .Register(*registry);
  capacity.Add({}).Set(static_cast<double>(options_.queue_capacity));
  for (const std::string& url : options_.urls) {
    auto t = std::make_unique<Target>();
    t->name = url;
    std::string base = url;
    while (absl::EndsWith(base, "/")) base.pop_back();
    t->endpoint = absl::StrCat(base, "/api/v2/alerts");
    const std::map<std::string, std::string> l = {{"alertmanager", url}};
    t->sent = &sent.Add(l);
    t->errors = &errors.Add(l);
    t->dropped_queue_full = &dropped.Add({{"alertmanager", url}, {"reason", "queue_full"}});
    t->dropped_rejected = &dropped.Add({{"alertmanager", url}, {"reason", "rejected"}});
    t->dropped_gave_up = &dropped.Add({{"alertmanager", url}, {"reason", "gave_up"}});
    t->queue_length = &queue.Add(l);
    t->latency = &latency.Add(l, LatencyBuckets());
    t->delay = &delay.Add(l, LatencyBuckets());
    targets_.push_back(std::move(t));
  }
}

AlertmanagerClient::~AlertmanagerClient() { Stop(); }

void AlertmanagerClient::Notify(std::vector<Notification> notifications) {
  if (notifications.empty() || targets_.empty()) return;
  const bool from_batch = tls_cause != absl::InfinitePast();
  const absl::Time cause = from_batch ? tls_cause : clock_->Now();
  absl::MutexLock lock(&mu_);
  for (auto& tp : targets_) {
    Target& t = *tp;
    size_t dropped = 0;
    for (const Notification& n : notifications) {
      if (t.queue.size() + t.in_flight.size() >= options_.queue_capacity && !t.queue.empty()) {
        t.queue.pop_front();
        ++dropped;
      }
      if (t.queue.size() + t.in_flight.size() < options_.queue_capacity) {
        t.queue.push_back(Queued{n, cause, from_batch});
      } else {
        ++dropped;  // capacity smaller than the batch in flight: the new one cannot be kept
      }
    }
    if (dropped > 0) {
      t.dropped_queue_full->Increment(static_cast<double>(dropped));
      log::Warn("alertmanager queue full; dropped oldest notifications",
                log::Kv("alertmanager", t.name) + log::Kv("dropped", dropped));
    }
    UpdateQueueGauge(t);
  }
  cv_.SignalAll();
}

void AlertmanagerClient::UpdateQueueGauge(Target& t) {
  t.queue_length->Set(static_cast<double>(t.queue.size() + t.in_flight.size()));
}

absl::Duration AlertmanagerClient::Backoff(int attempts) {
  absl::Duration d =
      common::ExponentialBackoff(attempts, options_.min_backoff, options_.max_backoff);
  if (options_.jitter > 0) {
    d = common::Jitter(d, 1.0 - options_.jitter, 1.0 + options_.jitter,
                       absl::Uniform(rng_, 0.0, 1.0));
  }
  return d;
}

bool AlertmanagerClient::TakeDueLocked(Target& t, absl::Time now, std::vector<Queued>* batch) {
  if (t.posting) return false;
  if (t.in_flight.empty()) {
    if (t.queue.empty()) return false;
    size_t n = std::min(options_.max_batch_size, t.queue.size());
    t.in_flight.assign(std::make_move_iterator(t.queue.begin()),
                       std::make_move_iterator(t.queue.begin() + static_cast<ptrdiff_t>(n)));
    t.queue.erase(t.queue.begin(), t.queue.begin() + static_cast<ptrdiff_t>(n));
    t.attempts = 0;
    t.first_attempt = now;
    t.next_attempt = absl::InfinitePast();
  }
  if (now < t.next_attempt) return false;
  *batch = t.in_flight;
  t.posting = true;
  return true;
}

void AlertmanagerClient::Post(Target& t, const std::vector<Queued>& batch) {
  std::vector<Notification> ns;
  ns.reserve(batch.size());
  for (const Queued& q : batch) ns.push_back(q.notification);
  std::string generator_url;
  {
    absl::MutexLock lock(&mu_);
    generator_url = generator_url_;
  }
  const absl::Time start = clock_->Now();
  const std::string body =
      EncodePostableAlerts(ns, start, options_.firing_valid_for, generator_url);
  absl::StatusOr<HttpResponse> r = transport_->PostJson(t.endpoint, body, options_.timeout);
  const absl::Time end = clock_->Now();
  const double n = static_cast<double>(batch.size());

  absl::MutexLock lock(&mu_);
  t.posting = false;
  ++t.attempts;
  bool done = false;
  if (r.ok()) t.latency->Observe(absl::ToDoubleSeconds(end - start));
  if (r.ok() && r->status >= 200 && r->status < 300) {
    t.sent->Increment(n);
    for (const Queued& q : batch) {
      const double delay = absl::ToDoubleSeconds(end - q.cause);
      t.delay->Observe(delay);
      if (log::Enabled(log::Level::kDebug)) {
        std::string name;
        for (const auto& [k, v] : q.notification.labels) {
          if (k == "alertname") name = v;
        }
        log::Debug(
            "alertmanager notified",
            log::Kv("alertmanager", t.name) + log::Kv("alertname", name) +
                log::Kv("state",
                        q.notification.ends_at == absl::InfiniteFuture() ? "firing" : "resolved") +
                log::Kv("cause", q.caused_by_batch ? "batch" : "other") +
                log::Kv("delay_ms", absl::ToInt64Microseconds(end - q.cause) / 1000) +
                absl::StrCat(" delay_seconds=", delay));
      }
    }
    done = true;
  } else {
    t.errors->Increment(n);
    const bool retryable = !r.ok() || r->status >= 500 || r->status == 429;
    const std::string what = r.ok() ? absl::StrCat("HTTP ", r->status, ": ", r->body.substr(0, 200))
                                    : std::string(r.status().message());
    if (!retryable) {
      t.dropped_rejected->Increment(n);
      log::Error(
          "alertmanager rejected notifications; dropped",
          log::Kv("alertmanager", t.name) + log::Kv("count", batch.size()) + log::Kv("err", what));
      done = true;
    } else if (end - t.first_attempt >= options_.give_up_after) {
      t.dropped_gave_up->Increment(n);
      log::Error("alertmanager unreachable for the whole retry period; dropped notifications",
                 log::Kv("alertmanager", t.name) + log::Kv("count", batch.size()) +
                     log::Kv("attempts", t.attempts) + log::Kv("err", what));
      done = true;
    } else {
      const absl::Duration wait = Backoff(t.attempts);
      t.next_attempt = end + wait;
      log::Warn("alertmanager POST failed; will retry",
                log::Kv("alertmanager", t.name) + log::Kv("attempt", t.attempts) +
                    log::Kv("retry_in", absl::FormatDuration(wait)) + log::Kv("err", what));
    }
  }
  if (done) {
    t.in_flight.clear();
    t.attempts = 0;
    t.next_attempt = absl::InfinitePast();
  }
  UpdateQueueGauge(t);
  cv_.SignalAll();
}

int AlertmanagerClient::SendDue() {
  int posts = 0;
  for (auto& tp : targets_) {
    std::vector<Queued> batch;
    {
      absl::MutexLock lock(&mu_);
      if (!TakeDueLocked(*tp, clock_->Now(), &batch)) continue;
    }
    Post(*tp, batch);
    ++posts;
  }
  return posts;
}

void AlertmanagerClient::Run(Target* t) {
  while (true) {
    std::vector<Queued> batch;
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_) {
        const absl::Time now = clock_->Now();
        if (TakeDueLocked(*t, now, &batch)) break;
        if (!t->in_flight.empty() && t->next_attempt > now) {
          cv_.WaitWithTimeout(&mu_, t->next_attempt - now);
        } else {
          cv_.Wait(&mu_);
        }
      }
      if (stopping_) return;
    }
    Post(*t, batch);
  }
}

void AlertmanagerClient::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) return;
  started_ = true;
  for (auto& tp : targets_) tp->thread = std::thread([this, t = tp.get()] { Run(t); });
}

void AlertmanagerClient::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
    cv_.SignalAll();
  }
  for (auto& tp : targets_) {
    if (tp->thread.joinable()) tp->thread.join();
  }
}

void AlertmanagerClient::SetGeneratorUrl(std::string url) {
  absl::MutexLock lock(&mu_);
  generator_url_ = std::move(url);
}

size_t AlertmanagerClient::queue_length(size_t alertmanager) const {
  absl::MutexLock lock(&mu_);
  const Target& t = *targets_.at(alertmanager);
  return t.queue.size() + t.in_flight.size();
}

absl::Time AlertmanagerClient::next_attempt(size_t alertmanager) const {
  absl::MutexLock lock(&mu_);
  return targets_.at(alertmanager)->next_attempt;
}

}  // namespace hostmon::collector::alerting
