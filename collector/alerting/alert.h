// SPDX-License-Identifier: Apache-2.0
//
// The contract between the rule engine (which decides what is pending, firing, resolved) and its
// outputs (/metrics, /api/v1/alerts, Alertmanager). The engine owns all alert state; outputs only
// read snapshots and forward notifications.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "collector/label_pairs.h"

namespace hostmon::collector::alerting {

enum class AlertState { kPending, kFiring };

// One active alert instance (a rule x a host x a label set), as shown by /api/v1/alerts and
// hostmon_alerts{alertstate=...}.
struct Alert {
  // All identifying labels, sorted by name: alertname, severity, instance, job, the rule's labels
  // and the labels of the series the rule's expression kept.
  LabelPairs labels;
  LabelPairs annotations;  // templated
  AlertState state = AlertState::kPending;
  double value = 0;                            // the evaluated value that last matched
  absl::Time active_at;                        // condition first true (start of pending)
  absl::Time fired_at = absl::InfinitePast();  // start of firing; InfinitePast while pending
};

// What is pushed to Alertmanager (its v2 postableAlert): firing alerts have ends_at in the
// future; resolved ones have ends_at = the resolve time.
struct Notification {
  LabelPairs labels;
  LabelPairs annotations;
  absl::Time starts_at;
  absl::Time ends_at = absl::InfiniteFuture();
  std::string generator_url;
};

// Receives notifications the moment the engine decides them (firing, resolved, severity change).
// Called on the evaluating thread: must queue and return. Periodic re-sends ask the engine for
// the current set (RuleEngine::NotificationsToResend) instead.
class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  virtual void Notify(std::vector<Notification> notifications) = 0;
};

}  // namespace hostmon::collector::alerting
