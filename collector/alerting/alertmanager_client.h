// SPDX-License-Identifier: Apache-2.0
//
// Pushes alert notifications to one or more Alertmanagers through their v2 API
// (POST <url>/api/v2/alerts with a JSON array of postableAlert objects; schema:
// prometheus/alertmanager api/v2/openapi.yaml, "postableAlerts"). Like Prometheus's notifier, every
// notification goes to EVERY configured Alertmanager (they de-duplicate among themselves); unlike
// it, a failed or 5xx/429 POST is retried with exponential backoff and jitter, because hostmon's
// collector is often the only sender. Each Alertmanager has its own bounded queue and sender thread
// so that a dead one delays nobody else; a full queue drops its oldest notification and counts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "collector/alerting/alert.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace hostmon::collector::alerting {

using HttpResponse = common::HttpResponse;

// The HTTP side of the client, injected so unit tests can script answers. Must be thread-safe:
// every Alertmanager's sender thread calls it.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // POSTs `body` as application/json. An error status means no HTTP answer was obtained
  // (connection refused, timeout, TLS failure); any HTTP answer, even 500, is a response.
  virtual absl::StatusOr<HttpResponse> PostJson(const std::string& url, const std::string& body,
                                                absl::Duration timeout) = 0;
};

// RFC 3339 in UTC with milliseconds, e.g. "2026-11-21T18:30:00.250Z" (Alertmanager parses
// strfmt.DateTime).
std::string FormatRfc3339(absl::Time t);

// The request body for POST /api/v2/alerts: a JSON array of postableAlert objects with labels,
// annotations, startsAt, endsAt and generatorURL. A firing notification (ends_at infinite) gets
// endsAt = now + firing_valid_for, as Prometheus does (4 x its resend delay), so Alertmanager
// resolves it by itself if the collector dies; with firing_valid_for = 0 endsAt is left out and
// Alertmanager's resolve_timeout applies. Invalid UTF-8 is replaced, never thrown on.
// A notification without generator_url gets `default_generator_url` (when not empty).
std::string EncodePostableAlerts(const std::vector<Notification>& notifications, absl::Time now,
                                 absl::Duration firing_valid_for,
                                 const std::string& default_generator_url = "");

struct AlertmanagerClientOptions {
  // Base URLs, e.g. "http://127.0.0.1:9093" or "https://am.example.org/prefix"; the client appends
  // "/api/v2/alerts".
  std::vector<std::string> urls;
  absl::Duration timeout = absl::Seconds(10);  // per POST
  size_t queue_capacity = 10000;               // per Alertmanager (Prometheus's default)
  size_t max_batch_size = 64;                  // notifications per POST (Prometheus's)
  absl::Duration min_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  double jitter = 0.2;  // each backoff is scaled by a random factor in [1-jitter, 1+jitter]
  // A batch that still fails after this long is dropped (counted); the periodic resend delivers
  // the current state of every firing alert anyway.
  absl::Duration give_up_after = absl::Minutes(2);
  absl::Duration firing_valid_for = absl::ZeroDuration();  // see EncodePostableAlerts
};

// Records, for the calling thread, when the event that the engine is about to evaluate arrived
// (the batch's arrival at the collector). Notifications queued by Notify() while it is in scope
// measure their delivery delay from that instant; outside, from the Notify() call.
class ScopedNotificationCause {
 public:
  explicit ScopedNotificationCause(absl::Time cause);
  ~ScopedNotificationCause();
  ScopedNotificationCause(const ScopedNotificationCause&) = delete;
  ScopedNotificationCause& operator=(const ScopedNotificationCause&) = delete;

 private:
  absl::Time previous_;
};

class AlertmanagerClient : public NotificationSink {
 public:
  // `transport` and `clock` must outlive the client. Metrics are registered in `registry` as
  // hostmon_collector_alertmanager_*{alertmanager="<base url>"}.
  AlertmanagerClient(AlertmanagerClientOptions options, HttpTransport* transport,
                     const common::Clock* clock, prometheus::Registry* registry);
  ~AlertmanagerClient() override;  // Stop()s

  // Queues the notifications for every Alertmanager and returns at once.
  void Notify(std::vector<Notification> notifications) override;

  // One sender thread per Alertmanager. Without Start(), tests drive SendDue() instead.
  void Start();
  // Stops the threads; a POST in flight finishes (bounded by the timeout). Queued notifications
  // are not sent (the next collector's resend replaces them).
  void Stop();

  // Sends at most one batch to each Alertmanager whose queue is non-empty and whose backoff has
  // expired at clock->Now(). Returns the number of POSTs attempted. For tests and for Stop-less
  // single-threaded use.
  int SendDue();

  size_t queue_length(size_t alertmanager) const;
  // When the next attempt for that Alertmanager may happen (InfinitePast when none is pending).
  absl::Time next_attempt(size_t alertmanager) const;
  const std::vector<std::string>& urls() const { return options_.urls; }
  // generatorURL of notifications that carry none (the engine leaves it to the outputs): where
  // the collector's alerts can be seen, e.g. http://collector:9711/api/v1/alerts.
  void SetGeneratorUrl(std::string url) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Queued {
    Notification notification;
    absl::Time cause;
    bool caused_by_batch;  // else by a tick, a re-send or a host event
  };
  struct Target {
    std::string name;      // the base URL, the alertmanager label
    std::string endpoint;  // name + /api/v2/alerts
    std::deque<Queued> queue;
    std::vector<Queued> in_flight;  // the batch being (re)tried; not in `queue`
    absl::Time first_attempt = absl::InfinitePast();
    absl::Time next_attempt = absl::InfinitePast();
    int attempts = 0;
    bool posting = false;
    prometheus::Counter* sent = nullptr;
    prometheus::Counter* errors = nullptr;
    prometheus::Counter* dropped_queue_full = nullptr;
    prometheus::Counter* dropped_rejected = nullptr;
    prometheus::Counter* dropped_gave_up = nullptr;
    prometheus::Gauge* queue_length = nullptr;
    prometheus::Histogram* latency = nullptr;
    prometheus::Histogram* delay = nullptr;
    std::thread thread;
  };

  // Takes the next batch of target `i` if one is due; false if nothing to do now.
  bool TakeDueLocked(Target& t, absl::Time now, std::vector<Queued>* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // POSTs `batch` to `t` (lock not held) and books the outcome.
  void Post(Target& t, const std::vector<Queued>& batch) ABSL_LOCKS_EXCLUDED(mu_);
  void Run(Target* t) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Duration Backoff(int attempts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UpdateQueueGauge(Target& t) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const AlertmanagerClientOptions options_;
  HttpTransport* const transport_;
  const common::Clock* const clock_;
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::string generator_url_ ABSL_GUARDED_BY(mu_);
  absl::BitGen rng_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Target>> targets_;  // fixed at construction
};

}  // namespace hostmon::collector::alerting
