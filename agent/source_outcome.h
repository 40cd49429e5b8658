// SPDX-License-Identifier: Apache-2.0
//
// The per-source self metrics, written for every source after each of its collections, by the
// fast cycle (agent/collection.h) and by the slow tier (agent/slow_tier.h) alike, so the two can
// never disagree on names or help.
#pragma once

#include "absl/strings/string_view.h"
#include "agent/source.h"

namespace hostmon::agent {

// Writes hostmon_agent_source_{success,duration_seconds}{source} and node_exporter's
// node_scrape_collector_{success,duration_seconds}{collector} for one collection of `source`.
void WriteSourceOutcome(SampleWriter& out, absl::string_view source, bool ok, double seconds);

}  // namespace hostmon::agent
