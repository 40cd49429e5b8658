// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rule_evaluator.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "collector/alerting/rule_engine.h"
#include "collector/alerting/rules.h"

namespace hostmon::collector::alerting {
namespace {

// Several rule files form one rule set: their rules side by side; settings and the host alerts
// (host_down, agent_silent) come from the first file. A rule name used in two files is an error.
absl::StatusOr<RuleSet> LoadAll(const std::vector<std::string>& files) {
  RuleSet merged;
  merged.host_down = DefaultHostDown();
  merged.agent_silent = DefaultAgentSilent();
  std::set<std::string> names;
  for (size_t i = 0; i < files.size(); ++i) {
    absl::StatusOr<RuleSet> one = LoadRulesFile(files[i]);
    if (!one.ok()) return one.status();
    if (i == 0) {
      merged.source = one->source;
      merged.settings = one->settings;
      merged.host_down = one->host_down;
      merged.agent_silent = one->agent_silent;
    }
    for (Rule& r : one->rules) {
      if (!names.insert(r.name).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(r.where, ": rule \"", r.name, "\" is also defined in an earlier file"));
      }
      merged.rules.push_back(std::move(r));
    }
  }
  return merged;
}

class EngineEvaluator : public RuleEvaluator {
 public:
  explicit EngineEvaluator(const common::Clock* clock) : engine_(Empty(), clock) {}

  absl::Status LoadRules(const std::vector<std::string>& files) override {
    absl::StatusOr<RuleSet> rules = LoadAll(files);
    if (!rules.ok()) return rules.status();
    engine_.ReplaceRules(*std::move(rules));
    return absl::OkStatus();
  }
  void SetNotificationSink(NotificationSink* sink) override { engine_.SetNotificationSink(sink); }
  void Tick(absl::Time now) override { engine_.Tick(now); }
  std::vector<Alert> Alerts() const override { return engine_.Alerts(); }
  void WriteExposition(std::string* out) const override { engine_.WriteExposition(out); }
  std::vector<Notification> NotificationsToResend(absl::Time now) override {
    return engine_.NotificationsToResend(now);
  }
  absl::Status SaveStateFile(const std::string& path) const override {
    return engine_.SaveStateFile(path);
  }
  absl::Status RestoreStateFile(const std::string& path) override {
    return engine_.RestoreStateFile(path);
  }
  void OnBatch(const AppliedBatch& batch) override { engine_.OnBatch(batch); }
  void OnHostEvent(absl::string_view host, const LabelPairs& host_labels, HostEvent event,
                   absl::Time when) override {
    engine_.OnHostEvent(host, host_labels, event, when);
  }

 private:
  static RuleSet Empty() {
    RuleSet r;
    r.host_down = DefaultHostDown();
    r.agent_silent = DefaultAgentSilent();
    return r;
  }
  RuleEngine engine_;
};

}  // namespace

std::unique_ptr<RuleEvaluator> NewRuleEvaluator(const common::Clock* clock) {
  return std::make_unique<EngineEvaluator>(clock);
}

absl::Status CheckRulesFiles(const std::vector<std::string>& files) {
  return LoadAll(files).status();
}

}  // namespace hostmon::collector::alerting
