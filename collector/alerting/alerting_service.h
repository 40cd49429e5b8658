// SPDX-License-Identifier: Apache-2.0
//
// The collector's alerting wiring: feeds applied batches and host events to the rule engine,
// ticks it every second (host-down and `for` must progress without new batches), periodically
// re-sends the firing set to Alertmanager, reloads rules atomically, and serves the engine's
// state on /metrics, /api/v1/alerts and /-/reload. The engine sits behind RuleEvaluator so this
// wiring is unit-tested with a scripted evaluator.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "collector/alerting/alert.h"
#include "collector/alerting/alertmanager_client.h"
#include "collector/alerting/curl_transport.h"
#include "collector/alerting/rules_reloader.h"
#include "collector/batch_observer.h"
#include "common/clock.h"
#include "prometheus/registry.h"

namespace hostmon::collector::alerting {

// What the wiring needs from the rule engine (RuleEngine, adapted in rule_evaluator.cc).
class RuleEvaluator : public BatchObserver {
 public:
  // Parses and validates every file; installs all of them or, on any error, none (the previous
  // rules stay). The error names file:line:field.
  virtual absl::Status LoadRules(const std::vector<std::string>& files) = 0;
  virtual void SetNotificationSink(NotificationSink* sink) = 0;
  // Time-driven evaluation: `for` and host-down progress without batches.
  virtual void Tick(absl::Time now) = 0;
  virtual std::vector<Alert> Alerts() const = 0;
  // hostmon_alerts{alertname,alertstate,severity,instance,...} and the evaluated values.
  virtual void WriteExposition(std::string* out) const = 0;
  // Every firing alert (and recently resolved ones) for the periodic re-send.
  virtual std::vector<Notification> NotificationsToResend(absl::Time now) = 0;
  // Alert state across a restart (what Alertmanager was told, which hosts had streams); the
  // file is written atomically. Restore before traffic; a missing file is not an error.
  virtual absl::Status SaveStateFile(const std::string& path) const = 0;
  virtual absl::Status RestoreStateFile(const std::string& path) = 0;
};

struct AlertingOptions {
  std::vector<std::string> rule_files;
  absl::Duration evaluation_tick = absl::Seconds(1);
  // Firing alerts are re-sent this often (Prometheus's --rules.alert.resend-delay is 1m);
  // Alertmanager needs re-sends to know an alert is still firing.
  absl::Duration resend_interval = absl::Minutes(1);
  // How users reach this collector (Prometheus's --web.external-url); alerts sent to Alertmanager
  // carry <external_url>/api/v1/alerts as generatorURL. Empty: http://<hostname>:<web port>.
  std::string external_url;
  std::vector<std::string> alertmanager_urls;
  absl::Duration alertmanager_timeout = absl::Seconds(10);
  int64_t alertmanager_queue_capacity = 10000;
  int64_t alertmanager_max_batch_size = 64;
  absl::Duration alertmanager_min_backoff = absl::Milliseconds(500);
  absl::Duration alertmanager_max_backoff = absl::Seconds(30);
  absl::Duration alertmanager_give_up_after = absl::Minutes(2);
  common::HttpClientOptions http;
  // Alert state is saved here every state_save_interval and at shutdown, and restored at
  // start-up (empty: alert state does not survive a restart).
  std::string state_file;
  absl::Duration state_save_interval = absl::Minutes(1);
};

// Checks values and that referenced files exist; errors name the field.
absl::Status ValidateAlertingOptions(const AlertingOptions& options);

class AlertingService : public BatchObserver {
 public:
  // `evaluator`, `clock` and `registry` must outlive the service. `transport` may be null (then
  // libcurl is used).
  AlertingService(AlertingOptions options, RuleEvaluator* evaluator, const common::Clock* clock,
                  prometheus::Registry* registry,
                  std::unique_ptr<HttpTransport> transport = nullptr);
  ~AlertingService() override;  // Stop()s

  // Loads the rule files (an error here is fatal at startup: the caller exits), then restores
  // the saved alert state if a state file is configured (an unreadable or corrupt state file is
  // logged and the engine starts empty).
  absl::Status LoadInitialRules();
  // Writes the state file now (no-op without one); logs a failure.
  void SaveState();
  // Starts the Alertmanager senders and the ticker thread. `web_address` is the bound web address
  // ("host:port"), for the default external URL.
  void Start(const std::string& web_address = "");
  // Stops the ticker and the senders and saves the state a last time: call after the agent
  // streams ended, so that their hosts are recorded as they were at shutdown.
  void Stop();

  // One tick (what the ticker thread does every evaluation_tick); for tests.
  void TickOnce(absl::Time now);
  // Ticks completed so far. Every tick evaluates the rules over what ingest applied, under the
  // locks ingest takes, so a stuck ingest or evaluation stops it: the systemd watchdog pings only
  // while it moves (common/systemd_notify.h).
  uint64_t ticks() const { return ticks_.load(std::memory_order_relaxed); }

  // SIGHUP and POST /-/reload.
  absl::Status Reload(absl::string_view trigger) { return reloader_.Reload(trigger); }

  // HTTP: GET /api/v1/alerts, POST|PUT /-/reload (405 otherwise), /metrics addition.
  int ServeAlerts(std::string* body, std::string* content_type) const;
  int ServeReload(const std::string& method, std::string* body, std::string* content_type);
  void WriteExposition(std::string* out) const { evaluator_->WriteExposition(out); }

  // BatchObserver: forwards to the engine, marking the batch's arrival as the cause of any
  // notification it triggers (for the arrival -> Alertmanager delay metric).
  void OnBatch(const AppliedBatch& batch) override;
  void OnHostEvent(absl::string_view host, const LabelPairs& host_labels, HostEvent event,
                   absl::Time when) override;

  AlertmanagerClient* client() { return client_.get(); }

 private:
  void Run();

  const AlertingOptions options_;
  RuleEvaluator* const evaluator_;
  const common::Clock* const clock_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<AlertmanagerClient> client_;  // null without Alertmanager URLs
  RulesReloader reloader_;
  absl::Mutex mu_;
  absl::Time last_resend_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_save_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool save_failing_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_;
  std::atomic<uint64_t> ticks_{0};
  std::thread ticker_;
};

}  // namespace hostmon::collector::alerting
