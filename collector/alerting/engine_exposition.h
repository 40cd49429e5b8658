// SPDX-License-Identifier: Apache-2.0
//
// The rule engine's families on the collector's /metrics (Prometheus text format 0.0.4):
//   hostmon_alerts{alertname, alertstate, <alert labels>} 1        like Prometheus's ALERTS
//   hostmon_alerts_for_state{alertname, <alert labels>} <Unix s>   like ALERTS_FOR_STATE
//   hostmon_rule_value{rule, <instance labels>} <value>            each rule's latest value
//   hostmon_alerting_{rules, tracked_series} gauges and
//   hostmon_alerting_{evaluations, notifications, flaps_suppressed, rule_reloads}_total counters.
// Written from snapshots the engine takes (RuleEngine::WriteExposition), so this file holds the
// format and none of the engine's state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "collector/alerting/alert.h"
#include "collector/label_pairs.h"

namespace hostmon::collector::alerting {

// The families WriteEngineExposition writes: agents must not send them (HostStore rejects them),
// or /metrics would carry a family twice.
bool IsEngineMetricName(absl::string_view name);

struct EngineStats {
  size_t rules = 0;
  size_t tracked_series = 0;
  uint64_t evaluations = 0;
  uint64_t notifications = 0;
  uint64_t flaps_suppressed = 0;
  uint64_t rule_reloads = 0;
};

// `alerts` as RuleEngine::Alerts() returns them (sorted); `rule_values` are each rule instance's
// labels (its alertname is written as the `rule` label) and value, in any order.
void WriteEngineExposition(const std::vector<Alert>& alerts,
                           std::vector<std::pair<LabelPairs, double>> rule_values,
                           const EngineStats& stats, std::string* out);

}  // namespace hostmon::collector::alerting
