// SPDX-License-Identifier: Apache-2.0
//
// One collection cycle: run every enabled source into a batch of (series ref, value) pairs and add
// the per-source self metrics hostmon_agent_source_success / _duration_seconds (node_exporter's
// node_scrape_collector_* under our namespace).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/series_table.h"
#include "agent/source.h"
#include "common/clock.h"

namespace hostmon::agent {

class SlowTier;

// A collected batch, independent of any stream: refs point into the agent's SeriesTable.
struct CollectedBatch {
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;  // collection start, Unix milliseconds
  std::vector<uint32_t> refs;
  std::vector<double> values;
};

class Collection {
 public:
  struct NamedSource {
    std::string name;
    SourcePtr source;
  };

  Collection(SeriesTable* table, std::vector<NamedSource> sources, const common::Clock* clock);

  // Extra samples written after the sources, e.g. transport statistics.
  void SetExtraWriter(std::function<void(SampleWriter&)> extra) { extra_ = std::move(extra); }

  // Slow sources (agent/slow_tier.h): their latest completed results and self metrics are merged
  // into every batch after the fast sources, without waiting for them. Not owned; may be null.
  void SetSlowTier(SlowTier* slow) { slow_ = slow; }

  // Runs every source once and fills refs/values/timestamp_ms of *batch (cleared first).
  void CollectOnce(CollectedBatch* batch);

  const std::vector<NamedSource>& sources() const { return sources_; }
  // Samples dropped because another source had already written the same series.
  uint64_t duplicate_samples() const { return duplicate_samples_; }

 private:
  SeriesTable* table_;
  std::vector<NamedSource> sources_;
  const common::Clock* clock_;
  std::function<void(SampleWriter&)> extra_;
  SlowTier* slow_ = nullptr;
  std::vector<std::string> last_error_;  // per source, to log state changes only
  size_t last_size_ = 0;
  std::string name_cache_;
  std::vector<uint32_t> written_;  // per series ref: the cycle it was last written in
  uint32_t cycle_ = 0;
  uint64_t duplicate_samples_ = 0;
  bool duplicates_logged_ = false;
};

// Writes the per-source outcome of one collection: hostmon_agent_source_{success,duration_seconds}
// {source} and node_exporter's node_scrape_collector_{success,duration_seconds}{collector}. One
// place for the fast cycle and the slow tier, so the two can never disagree on names or help.
void WriteSourceOutcome(SampleWriter& out, absl::string_view source, bool ok, double seconds);

// Writes a batch as Prometheus text exposition, families sorted by name (for --once).
std::string FormatExposition(const SeriesTable& table, const CollectedBatch& batch);

}  // namespace hostmon::agent
