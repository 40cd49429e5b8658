// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/alerting_service.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "collector/alerting/alerts_api.h"
#include "common/log.h"

namespace hostmon::collector::alerting {
namespace {

namespace log = common::log;

AlertmanagerClientOptions ClientOptions(const AlertingOptions& o) {
  AlertmanagerClientOptions c;
  c.urls = o.alertmanager_urls;
  c.timeout = o.alertmanager_timeout;
  c.queue_capacity = static_cast<size_t>(o.alertmanager_queue_capacity);
  c.max_batch_size = static_cast<size_t>(o.alertmanager_max_batch_size);
  c.min_backoff = o.alertmanager_min_backoff;
  c.max_backoff = o.alertmanager_max_backoff;
  c.give_up_after = o.alertmanager_give_up_after;
  // As Prometheus: a firing alert not re-sent within 4 resends is resolved by Alertmanager itself
  // (the collector died or lost the rule).
  c.firing_valid_for = 4 * std::max(o.resend_interval, o.evaluation_tick);
  return c;
}

}  // namespace

absl::Status ValidateAlertingOptions(const AlertingOptions& o) {
  for (const std::string& url : o.alertmanager_urls) {
    if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
      return absl::InvalidArgumentError(absl::StrCat("alerting.alertmanagers.urls: \"", url,
                                                     "\" must start with http:// or https://"));
    }
  }
  if (o.evaluation_tick < absl::Milliseconds(100) || o.evaluation_tick > absl::Minutes(1)) {
    return absl::InvalidArgumentError("alerting.evaluation_tick must be between 100ms and 1m");
  }
  if (!o.external_url.empty() && !absl::StartsWith(o.external_url, "http://") &&
      !absl::StartsWith(o.external_url, "https://")) {
    return absl::InvalidArgumentError("alerting.external_url must start with http:// or https://");
  }
  if (o.state_save_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("alerting.state_save_interval must be positive");
  }
  if (o.resend_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("alerting.resend_interval must be positive");
  }
  if (o.alertmanager_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("alerting.alertmanagers.timeout must be positive");
  }
  if (o.alertmanager_queue_capacity < 1) {
    return absl::InvalidArgumentError("alerting.alertmanagers.queue_capacity must be positive");
  }
  if (o.alertmanager_max_batch_size < 1) {
    return absl::InvalidArgumentError("alerting.alertmanagers.max_batch_size must be positive");
  }
  if (o.alertmanager_min_backoff <= absl::ZeroDuration() ||
      o.alertmanager_max_backoff < o.alertmanager_min_backoff) {
    return absl::InvalidArgumentError(
        "alerting.alertmanagers: need 0 < retry_min_backoff <= retry_max_backoff");
  }
  if (absl::Status s = common::ValidateHttpClientOptions(o.http); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("alerting.alertmanagers: ", s.message()));
  }
  return absl::OkStatus();
}

AlertingService::AlertingService(AlertingOptions options, RuleEvaluator* evaluator,
                                 const common::Clock* clock, prometheus::Registry* registry,
                                 std::unique_ptr<HttpTransport> transport)
    : options_(std::move(options)),
      evaluator_(evaluator),
      clock_(clock),
      transport_(std::move(transport)),
      reloader_([this] { return evaluator_->LoadRules(options_.rule_files); }, clock, registry) {
  if (!options_.alertmanager_urls.empty()) {
    if (transport_ == nullptr) transport_ = std::make_unique<CurlTransport>(options_.http);
    client_ = std::make_unique<AlertmanagerClient>(ClientOptions(options_), transport_.get(), clock,
                                                   registry);
    evaluator_->SetNotificationSink(client_.get());
  }
}

AlertingService::~AlertingService() { Stop(); }

absl::Status AlertingService::LoadInitialRules() {
  absl::Status s = evaluator_->LoadRules(options_.rule_files);
  reloader_.RecordInitial(s);
  if (!s.ok() || options_.state_file.empty()) return s;
  if (absl::Status r = evaluator_->RestoreStateFile(options_.state_file); !r.ok()) {
    log::Error("cannot restore alert state; starting without it",
               log::Kv("file", options_.state_file) + log::Kv("err", r.message()));
  } else {
    log::Info("alert state restored", log::Kv("file", options_.state_file));
  }
  return s;
}

void AlertingService::SaveState() {
  if (options_.state_file.empty()) return;
  absl::Status s = evaluator_->SaveStateFile(options_.state_file);
  absl::MutexLock lock(&mu_);
  if (!s.ok() && !save_failing_) {
    // Once per failure streak: a full disk must not flood the log every minute.
    log::Error("cannot save alert state",
               log::Kv("file", options_.state_file) + log::Kv("err", s.message()));
  } else if (s.ok() && save_failing_) {
    log::Info("alert state saved again", log::Kv("file", options_.state_file));
  }
  save_failing_ = !s.ok();
}

void AlertingService::Start(const std::string& web_address) {
  if (client_) {
    std::string base = options_.external_url;
    if (base.empty()) {
      char host[256] = {0};
      if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
      const size_t colon = web_address.rfind(':');
      base = absl::StrCat("http://", host[0] != '\0' ? host : "localhost", ":",
                          colon == std::string::npos ? "9711" : web_address.substr(colon + 1));
    }
    while (absl::EndsWith(base, "/")) base.pop_back();
    client_->SetGeneratorUrl(absl::StrCat(base, "/api/v1/alerts"));
    client_->Start();
  }
  {
    absl::MutexLock lock(&mu_);
    last_resend_ = clock_->Now();
    last_save_ = clock_->Now();
  }
  ticker_ = std::thread([this] { Run(); });
}

void AlertingService::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (!stop_.HasBeenNotified()) stop_.Notify();
  const bool was_running = ticker_.joinable();
  if (was_running) ticker_.join();
  if (client_) client_->Stop();
  if (was_running) SaveState();
}

void AlertingService::Run() {
  while (!stop_.WaitForNotificationWithTimeout(options_.evaluation_tick)) {
    TickOnce(clock_->Now());
    ticks_.fetch_add(1, std::memory_order_relaxed);
  }
}

void AlertingService::TickOnce(absl::Time now) {
  evaluator_->Tick(now);
  bool save = false;
  {
    absl::MutexLock lock(&mu_);
    if (!options_.state_file.empty() && now - last_save_ >= options_.state_save_interval) {
      last_save_ = now;
      save = true;
    }
  }
  if (save) SaveState();
  if (!client_) return;
  {
    absl::MutexLock lock(&mu_);
    if (now - last_resend_ < options_.resend_interval) return;
    last_resend_ = now;
  }
  std::vector<Notification> resend = evaluator_->NotificationsToResend(now);
  if (!resend.empty()) {
    log::Debug("re-sending alerts", log::Kv("count", static_cast<int64_t>(resend.size())));
    client_->Notify(std::move(resend));
  }
}

void AlertingService::OnBatch(const AppliedBatch& batch) {
  ScopedNotificationCause cause(batch.arrival);
  evaluator_->OnBatch(batch);
}

void AlertingService::OnHostEvent(absl::string_view host, const LabelPairs& host_labels,
                                  HostEvent event, absl::Time when) {
  evaluator_->OnHostEvent(host, host_labels, event, when);
}

int AlertingService::ServeAlerts(std::string* body, std::string* content_type) const {
  *content_type = "application/json";
  *body = EncodeAlertsApi(evaluator_->Alerts());
  return 200;
}

int AlertingService::ServeReload(const std::string& method, std::string* body,
                                 std::string* content_type) {
  *content_type = "text/plain; charset=utf-8";
  // As Prometheus's /-/reload: only POST or PUT, so a crawler or a browser cannot trigger it.
  if (method != "POST" && method != "PUT") {
    *body = "Only POST or PUT requests allowed\n";
    return 405;
  }
  absl::Status s = Reload("/-/reload");
  if (!s.ok()) {
    *body = absl::StrCat("failed to reload rules: ", s.message(), "\n");
    return 500;
  }
  *body = "rules reloaded\n";
  return 200;
}

}  // namespace hostmon::collector::alerting
