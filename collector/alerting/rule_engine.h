// SPDX-License-Identifier: Apache-2.0
//
// Evaluates the alerting rules of a host on the arrival of each of its batches (no polling
// delay) and owns all alert state: pending/firing per rule x host x `by` group, severities with
// hysteresis, keep_firing_for, flap damping of notifications, staleness, HostDown/AgentSilent.
// Semantics are documented in README "Alerting rules".
//
// Threading: OnBatch/OnHostEvent arrive on gRPC stream threads, Tick on the outputs' timer
// thread, the readers on HTTP threads; one mutex guards everything (an evaluation is a pass over
// the host's few retained series). The sink is called after the mutex is released, in decision
// order; NotificationSink::Notify must queue and return and must not call back into the engine.
//
// Wiring (collector_app):
//   auto rules = LoadRulesFile(path);                  // fail start-up / --check-rules on error
//   RuleEngine engine(*std::move(rules), &clock);
//   engine.RestoreStateFile(state_path);               // optional, before traffic
//   engine.SetNotificationSink(&alertmanager_queue);   // Notify(): firing/resolved, at once
//   host_store.AddObserver(&engine);                   // before streams start
//   every 1 s: engine.Tick(clock.Now());
//   every resend interval: push engine.NotificationsToResend(clock.Now())
//   /metrics: engine.WriteExposition(&out); /api/v1/alerts: engine.Alerts()
//   SIGHUP, /-/reload: engine.ReloadFromFile(path)     // error: old rules stay; log it
//   every minute and at shutdown (after the streams were drained): engine.SaveStateFile(path)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "collector/alerting/alert.h"
#include "collector/alerting/rules.h"
#include "collector/alerting/window_math.h"
#include "collector/batch_observer.h"
#include "common/clock.h"

namespace hostmon::collector::alerting {

class RuleEngine : public BatchObserver {
 public:
  RuleEngine(RuleSet rules, const common::Clock* clock);
  ~RuleEngine() override;

  // BatchObserver. Live batches are evaluated at once; replayed batches only fill the windows
  // (old data must not drive live alert state).
  void OnBatch(const AppliedBatch& batch) override;
  void OnHostEvent(absl::string_view host, const LabelPairs& host_labels, HostEvent event,
                   absl::Time when) override;

  // Time-driven transitions: pending -> firing once `for` elapsed, keep_firing_for expiry, held
  // (flap-damped) resolutions, staleness, HostDown, AgentSilent. Call about every second.
  void Tick(absl::Time now);

  // Swaps the rules atomically. Rules whose name and definition are unchanged keep their alert
  // state and windows; firing alerts of removed or changed rules are resolved (notified).
  void ReplaceRules(RuleSet rules);
  // LoadRulesFile + ReplaceRules: a file that does not load changes nothing and the error (file,
  // line, field) is returned for the log. For SIGHUP and /-/reload.
  absl::Status ReloadFromFile(const std::string& path);

  // Pending and firing alerts, sorted by labels.
  std::vector<Alert> Alerts() const;
  // hostmon_alerts{alertname,alertstate,severity,...} 1, hostmon_alerts_for_state (active_at as
  // Unix seconds), hostmon_rule_value{rule,...} and a few engine gauges/counters
  // (engine_exposition.h).
  void WriteExposition(std::string* out) const;

  // Receives firing / resolved / severity-change notifications as they are decided. Not owned;
  // nullptr disables. Set before traffic starts or at any time (guarded).
  void SetNotificationSink(NotificationSink* sink);
  // Notification::generator_url of new notifications (e.g. "http://collector:9711/api/v1/alerts").
  void SetGeneratorUrl(std::string url);
  // For periodic re-sends: alerts Alertmanager should consider firing (ends_at InfiniteFuture;
  // the sender sets its own ends_at) and those resolved within settings.resolved_retention.
  std::vector<Notification> NotificationsToResend(absl::Time now) const;

  // State across a collector restart (README "Alerting rules"): what Alertmanager was told
  // (firing, held and recently resolved alerts) and which hosts had streams, so that a host that
  // does not come back after the restart still raises HostDown, and an alert that fires again
  // after the restart continues (same startsAt, no new notification) instead of paging anew.
  // Windows and pending timers are not kept. Versioned JSON (state_codec.h).
  std::string SaveState() const;
  // Call before traffic starts. Bad input changes nothing and returns InvalidArgument.
  absl::Status RestoreState(absl::string_view json);
  // SaveState written to `path` atomically (temporary file + rename).
  absl::Status SaveStateFile(const std::string& path) const;
  // RestoreState from `path`; a missing file is not an error (first start).
  absl::Status RestoreStateFile(const std::string& path);

  size_t rule_count() const;
  size_t tracked_series() const;  // series kept in windows (bounded: only those rules reference)

 private:
  struct RuleRuntime;
  struct Instance;
  struct HostState;
  struct Announced;
  // group key -> instance, of one rule on one host
  using Groups = absl::node_hash_map<std::string, Instance>;
  struct SeriesWindow {
    std::string family;
    LabelPairs labels;
    SampleWindow samples;
    std::vector<int> terms;  // indices into terms_ of the current rules
    absl::Duration keep;     // longest window of those terms
  };

  void EvaluateHostLocked(HostState* host, absl::Time now, std::vector<Notification>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UpdateInstanceLocked(RuleRuntime* rt, Instance* inst, absl::Time now,
                            std::vector<Notification>* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // UpdateInstanceLocked for each of `groups`, forgetting those left inactive (no value, nothing
  // pending, firing or announced).
  void UpdateGroupsLocked(RuleRuntime* rt, Groups* groups, absl::Time now,
                          std::vector<Notification>* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void HostAlertsLocked(HostState* host, absl::Time now, std::vector<Notification>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetHostAlertLocked(RuleRuntime* rt, HostState* host, bool condition, double value,
                          absl::Time since, absl::Time now, std::vector<Notification>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AnnounceLocked(const RuleRuntime* rt, Instance* inst, absl::Time now,
                      std::vector<Notification>* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ResolveAnnouncedLocked(const std::string& key, absl::Time now, bool hold,
                              std::vector<Notification>* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Removed or changed rules' firing alerts are marked for immediate resolution at the next Tick.
  void InstallRulesLocked(RuleSet rules) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // One host's part of a tick (Tick visits the hosts in slices): staleness, host alerts, its rule
  // instances, forgetting it.
  void TickHostLocked(const std::string& name, absl::Time now, std::vector<Notification>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Held resolutions that are due, and resolved alerts past their retention.
  void TickAnnouncedLocked(absl::Time now, std::vector<Notification>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RetermSeriesLocked(SeriesWindow* series) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const std::vector<int>& TermsForFamilyLocked(const std::string& family)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Duration StalenessLocked(const HostState& host) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void UnlockAndDeliver(std::vector<Notification> notifications) ABSL_UNLOCK_FUNCTION(mu_);

  const common::Clock* clock_;
  mutable absl::Mutex mu_;
  RuleSet rules_ ABSL_GUARDED_BY(mu_);
  // Every Term of every rule, flattened: [rule index, 0 numerator / 1 denominator].
  struct TermRef {
    int rule;
    bool denominator;
    const Term* term;
  };
  std::vector<TermRef> terms_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<int>> family_terms_ ABSL_GUARDED_BY(mu_);
  // By rule name (user rules plus the two host alerts).
  absl::node_hash_map<std::string, std::unique_ptr<RuleRuntime>> runtimes_ ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<std::string, std::unique_ptr<HostState>> hosts_ ABSL_GUARDED_BY(mu_);
  // What Alertmanager has been told, by the alert's full label set.
  absl::node_hash_map<std::string, std::unique_ptr<Announced>> announced_ ABSL_GUARDED_BY(mu_);
  std::string generator_url_ ABSL_GUARDED_BY(mu_);
  uint64_t evaluations_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t notifications_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t flaps_suppressed_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t reloads_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex sink_mu_;
  NotificationSink* sink_ ABSL_GUARDED_BY(sink_mu_) = nullptr;
};

}  // namespace hostmon::collector::alerting
