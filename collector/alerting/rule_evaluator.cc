// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rule_evaluator.h"

namespace hostmon::collector::alerting {
namespace {

// TEMPORARY until the rule engine (branch i4-engine) is merged: no rules, no alerts.
class NoEngine : public RuleEvaluator {
 public:
  absl::Status LoadRules(const std::vector<std::string>& files) override {
    if (files.empty()) return absl::OkStatus();
    return absl::UnimplementedError("rule engine not built in yet");
  }
  void SetNotificationSink(NotificationSink*) override {}
  void Tick(absl::Time) override {}
  std::vector<Alert> Alerts() const override { return {}; }
  void WriteExposition(std::string*) const override {}
  std::vector<Notification> NotificationsToResend(absl::Time) override { return {}; }
  void OnBatch(const AppliedBatch&) override {}
};

}  // namespace

std::unique_ptr<RuleEvaluator> NewRuleEvaluator(const common::Clock*) {
  return std::make_unique<NoEngine>();
}

}  // namespace hostmon::collector::alerting
