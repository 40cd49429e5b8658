// SPDX-License-Identifier: Apache-2.0
//
// One place for rule reloads, whatever triggers them (SIGHUP, POST /-/reload): serialises them,
// logs the outcome and keeps Prometheus-style reload metrics
// (hostmon_collector_rules_last_reload_successful, ..._success_timestamp_seconds, like
// prometheus_config_last_reload_*). The load function must be atomic: it either installs a
// complete new rule set or leaves the old one untouched and returns why.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace hostmon::collector::alerting {

class RulesReloader {
 public:
  using LoadFn = std::function<absl::Status()>;
  RulesReloader(LoadFn load, const common::Clock* clock, prometheus::Registry* registry);

  // Records the outcome of the initial load done at startup (without logging a reload).
  void RecordInitial(const absl::Status& status);
  // Runs the load function; `trigger` ("SIGHUP", "/-/reload") goes to the log.
  absl::Status Reload(absl::string_view trigger) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Record(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  LoadFn load_;
  const common::Clock* clock_;
  absl::Mutex mu_;
  prometheus::Gauge& successful_;
  prometheus::Gauge& success_timestamp_;
  prometheus::Counter& reloads_ok_;
  prometheus::Counter& reloads_failed_;
};

}  // namespace hostmon::collector::alerting
