// SPDX-License-Identifier: Apache-2.0
//
// The alerting rules file (README "Alerting rules"): a small, strict YAML language over ONE
// host's series. A rule is a selector (metric name + label matchers, PromQL syntax), a function
// over a window per series (rate, increase, avg/max/min_over_time, last), an aggregation of the
// matching series per `by` group, an optional ratio against a second selector, thresholds per
// severity with hysteresis, `for` and `keep_firing_for`. It is deliberately not PromQL: every
// rule is evaluated on the arrival of one host's batch, without a query engine.
//
// This file is the loader; the two languages embedded in the file have their own parsers:
// selectors (`select:`) in selector.h, annotation templates in template.h.
//
// Grammar (YAML; every key is optional unless marked, unknown keys are errors):
//   settings:
//     flap_window: <duration>                   default 5m
//     resolved_retention: <duration>            default 15m
//     staleness: <duration>                     default 0: staleness_intervals x host interval
//     staleness_intervals: <int >= 1>           default 5
//   host_down:                                  HostDown: an agent stream was lost
//     enabled: <bool>  alertname: <name>  severity: <severity>  grace: <duration>
//     labels: <labels>  annotations: <annotations>
//   agent_silent:                               AgentSilent: a connected agent sends nothing
//     (the keys of host_down) intervals: <int >= 1>  min_grace: <duration>
//   rules:
//     - name: <name>                            required, unique, [a-zA-Z_:][a-zA-Z0-9_:]*
//       expr:                                   required
//         select: <selector>                    required (selector.h)
//         func: rate | increase | avg_over_time | max_over_time | min_over_time | last
//                                               default last
//         window: <duration>                    required (> 0) unless func is last
//         aggregate: sum | avg | max | min | count   default sum
//         divide_by: {select, func, window, aggregate}   func, window and aggregate default to
//                                               the numerator's
//         by: [<label name>, ...]
//         complement: <bool>                    value = 1 - value
//         scale: <finite number>                default 1
//       op: ">" | ">=" | "<" | "<="             required (quoted: YAML reads `>` as a folding)
//       for: <duration>  keep_firing_for: <duration>   defaults of every severity
//       either  threshold: <number>  clear: <number>  severity: <severity>   (default warning)
//       or      severities: {<severity>: {threshold, clear, for, keep_firing_for}, ...}
//       labels: <labels>  annotations: <annotations>
//   <severity>    = info | warning | critical
//   <labels>      = {<label name>: <UTF-8 value>, ...}; not alertname, severity, alertstate
//   <annotations> = {<label name>: <template>, ...} (template.h)
// A higher severity's threshold must not be easier to reach than a lower one's, and `clear` must
// not lie beyond `threshold` in the direction of `op`.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "collector/alerting/selector.h"
#include "collector/alerting/template.h"
#include "collector/label_pairs.h"

namespace hostmon::collector::alerting {

enum class Func { kRate, kIncrease, kAvgOverTime, kMaxOverTime, kMinOverTime, kLast };
enum class Aggregate { kSum, kAvg, kMax, kMin, kCount };

// func(selector[window]) per series, then `aggregate` over the series of each `by` group.
struct Term {
  Func func = Func::kLast;
  absl::Duration window = absl::ZeroDuration();  // kLast: unused (the newest fresh sample)
  Selector selector;
  Aggregate aggregate = Aggregate::kSum;
};

// value = scale * (complement ? 1 - r : r), r = numerator or numerator / denominator per group.
struct Expression {
  Term numerator;
  bool has_denominator = false;
  Term denominator;
  std::vector<std::string> by;  // labels kept; groups match numerator to denominator
  bool complement = false;
  double scale = 1;
};

enum class Comparison { kGt, kGe, kLt, kLe };
bool Compare(Comparison op, double value, double threshold);
absl::string_view ComparisonText(Comparison op);

// One severity of a rule. `clear` is the hysteresis threshold: once firing, the alert stays
// firing while `value op clear` holds (clear == threshold when not configured).
struct SeverityLevel {
  std::string name;  // info, warning, critical
  int rank = 0;      // info 0 < warning 1 < critical 2
  double threshold = 0;
  double clear = 0;
  absl::Duration for_duration = absl::ZeroDuration();
  absl::Duration keep_firing_for = absl::ZeroDuration();
};

struct Rule {
  std::string name;   // becomes alertname
  std::string where;  // file:line of the rule, for logs
  Expression expr;
  Comparison op = Comparison::kGt;
  std::vector<SeverityLevel> severities;                      // ascending rank, at least one
  LabelPairs labels;                                          // sorted by name
  std::vector<std::pair<std::string, Template>> annotations;  // sorted by name
  // Canonical text of everything but annotations: a reload keeps the state of a rule whose name
  // and definition are unchanged.
  std::string definition;
};

// Alerts about a host rather than about its series.
struct HostAlertConfig {
  bool enabled = true;
  std::string alertname;
  std::string severity;
  // HostDown: how long a lost stream may stay away (the alert is pending meanwhile).
  // AgentSilent: silence before firing; 0 = `intervals` x the host's observed interval.
  absl::Duration grace = absl::ZeroDuration();
  int64_t intervals = 0;
  absl::Duration min_grace = absl::ZeroDuration();
  LabelPairs labels;
  std::vector<std::pair<std::string, Template>> annotations;
};

struct AlertingSettings {
  // A firing alert that resolves and fires again within this window sends no notification: the
  // resolved notification is held for the window and cancelled if it fires again.
  absl::Duration flap_window = absl::Minutes(5);
  // Resolved alerts stay in NotificationsToResend this long (Prometheus: 15m).
  absl::Duration resolved_retention = absl::Minutes(15);
  // A series without a sample for this long is ignored (alerts on it resolve); 0 = the host's
  // observed interval x staleness_intervals, as HostStore does.
  absl::Duration staleness = absl::ZeroDuration();
  int64_t staleness_intervals = 5;
};

struct RuleSet {
  std::string source;  // file name
  AlertingSettings settings;
  HostAlertConfig host_down;
  HostAlertConfig agent_silent;
  std::vector<Rule> rules;
};

// Defaults of the host alerts when the file has no host_down / agent_silent block.
HostAlertConfig DefaultHostDown();
HostAlertConfig DefaultAgentSilent();

// Strict parsing: unknown keys, wrong types, bad durations, bad regexes, bad templates and
// duplicate rule names are errors naming file:line and the field.
absl::StatusOr<RuleSet> ParseRules(const std::string& text, const std::string& filename);
absl::StatusOr<RuleSet> LoadRulesFile(const std::string& path);

}  // namespace hostmon::collector::alerting
