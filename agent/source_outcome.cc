// SPDX-License-Identifier: Apache-2.0
#include "agent/source_outcome.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kSourceSuccess{
    "hostmon_agent_source_success", kGauge,
    "Whether the source's last collection succeeded (1) or not (0)."};
// node_exporter's names for the same two facts: dashboards (Node Exporter Full's "Node Exporter
// Scrape" panels) and alert rules query these.
constexpr MetricDesc kScrapeSuccess{"node_scrape_collector_success", kGauge,
                                    "node_exporter: Whether a collector succeeded."};
constexpr MetricDesc kScrapeDuration{"node_scrape_collector_duration_seconds", kGauge,
                                     "node_exporter: Duration of a collector scrape."};
constexpr MetricDesc kSourceDuration{"hostmon_agent_source_duration_seconds", kGauge,
                                     "Duration of the source's last collection in seconds."};

}  // namespace

void WriteSourceOutcome(SampleWriter& out, absl::string_view source, bool ok, double seconds) {
  LabelRef label{"source", source};
  out.Add(kSourceSuccess, {&label, 1}, ok ? 1.0 : 0.0);
  out.Add(kSourceDuration, {&label, 1}, seconds);
  LabelRef collector{"collector", source};
  out.Add(kScrapeSuccess, {&collector, 1}, ok ? 1.0 : 0.0);
  out.Add(kScrapeDuration, {&collector, 1}, seconds);
}

}  // namespace hostmon::agent
