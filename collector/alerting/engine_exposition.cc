// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/engine_exposition.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "common/exposition.h"

namespace hostmon::collector::alerting {

bool IsEngineMetricName(absl::string_view name) {
  return name == "hostmon_alerts" || name == "hostmon_alerts_for_state" ||
         name == "hostmon_rule_value" || absl::StartsWith(name, "hostmon_alerting_");
}

void WriteEngineExposition(const std::vector<Alert>& alerts,
                           std::vector<std::pair<LabelPairs, double>> rule_values,
                           const EngineStats& stats, std::string* out) {
  common::ExpositionWriter w(out);
  using common::LabelRef;
  w.BeginFamily("hostmon_alerts", ::hostmon::ingest::v1::METRIC_TYPE_GAUGE,
                "Pending and firing alerts of the collector's rule engine (like ALERTS).");
  // `skip2` drops a series/host label that would duplicate one written first ("rule").
  auto refs = [](const LabelPairs& labels, absl::string_view skip,
                 absl::string_view skip2 = absl::string_view()) {
    std::vector<LabelRef> r;
    for (const auto& [k, v] : labels) {
      if (k != skip && k != skip2) r.push_back({k, v});
    }
    return r;
  };
  for (const Alert& a : alerts) {
    const LabelRef first[] = {
        {"alertname", FindLabel(a.labels, "alertname")},
        {"alertstate", a.state == AlertState::kFiring ? "firing" : "pending"}};
    w.Sample("hostmon_alerts", first, refs(a.labels, "alertname"), 1);
  }
  w.BeginFamily("hostmon_alerts_for_state", ::hostmon::ingest::v1::METRIC_TYPE_GAUGE,
                "Unix time at which each pending or firing alert became active (like "
                "ALERTS_FOR_STATE).");
  for (const Alert& a : alerts) {
    const LabelRef first[] = {{"alertname", FindLabel(a.labels, "alertname")}};
    w.Sample("hostmon_alerts_for_state", first, refs(a.labels, "alertname"),
             absl::ToDoubleSeconds(a.active_at - absl::UnixEpoch()));
  }
  w.BeginFamily("hostmon_rule_value", ::hostmon::ingest::v1::METRIC_TYPE_GAUGE,
                "Latest value of each alerting rule's expression per host and group.");
  std::sort(rule_values.begin(), rule_values.end());
  for (const auto& [labels, v] : rule_values) {
    const LabelRef first[] = {{"rule", FindLabel(labels, "alertname")}};
    w.Sample("hostmon_rule_value", first, refs(labels, "alertname", "rule"), v);
  }
  const struct {
    const char* name;
    common::MetricType type;
    const char* help;
    double value;
  } families[] = {
      {"hostmon_alerting_rules", ::hostmon::ingest::v1::METRIC_TYPE_GAUGE, "Alerting rules loaded.",
       static_cast<double>(stats.rules)},
      {"hostmon_alerting_tracked_series", ::hostmon::ingest::v1::METRIC_TYPE_GAUGE,
       "Series kept in rule windows (only those a rule references).",
       static_cast<double>(stats.tracked_series)},
      {"hostmon_alerting_evaluations_total", ::hostmon::ingest::v1::METRIC_TYPE_COUNTER,
       "Host evaluations (one per live batch).", static_cast<double>(stats.evaluations)},
      {"hostmon_alerting_notifications_total", ::hostmon::ingest::v1::METRIC_TYPE_COUNTER,
       "Firing and resolved notifications decided.", static_cast<double>(stats.notifications)},
      {"hostmon_alerting_flaps_suppressed_total", ::hostmon::ingest::v1::METRIC_TYPE_COUNTER,
       "Re-firings within the flap window that sent no notification.",
       static_cast<double>(stats.flaps_suppressed)},
      {"hostmon_alerting_rule_reloads_total", ::hostmon::ingest::v1::METRIC_TYPE_COUNTER,
       "Successful rule replacements.", static_cast<double>(stats.rule_reloads)},
  };
  for (const auto& f : families) {
    w.BeginFamily(f.name, f.type, f.help);
    w.Sample(f.name, {}, {}, f.value);
  }
}

}  // namespace hostmon::collector::alerting
