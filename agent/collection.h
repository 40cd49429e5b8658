// SPDX-License-Identifier: Apache-2.0
//
// One collection cycle: run every enabled source into a batch of (series ref, value) pairs and add
// the per-source self metrics hostmon_agent_source_success / _duration_seconds (node_exporter's
// node_scrape_collector_* under our namespace).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/contributor.h"
#include "agent/series_table.h"
#include "agent/source.h"
#include "agent/source_cost.h"
#include "common/clock.h"

namespace hostmon::agent {

// A collected batch, independent of any stream: refs point into the agent's SeriesTable.
struct CollectedBatch {
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;  // collection start, Unix milliseconds
  std::vector<uint32_t> refs;
  std::vector<double> values;
};

// What a collection wrote at one position of its batch: the next collection's guess for the same
// position (SeriesTable's hints), as sources write the same series in the same order every cycle.
struct WrittenAt {
  uint32_t family;
  uint32_t series;
};

class Collection {
 public:
  struct NamedSource {
    std::string name;
    SourcePtr source;
  };

  // `cycle_files`: the files `sources` share (SourceContext::cycle_files), read again in every
  // CollectOnce; null when they share none.
  Collection(SeriesTable* table, std::vector<NamedSource> sources, const common::Clock* clock,
             std::shared_ptr<CycleFiles> cycle_files = nullptr);

  // Adds samples written into every batch after the sources, in the order added: the slow tier
  // (its sources' latest completed results, without waiting for them) and self metrics of the
  // spool, queue and client. Not owned; must outlive the collection's use.
  void AddContributor(Contributor* contributor) { contributors_.push_back(contributor); }

  // Starts a cycle of the shared files, runs every source once and fills refs/values/timestamp_ms
  // of *batch (cleared first).
  void CollectOnce(CollectedBatch* batch);

  const std::vector<NamedSource>& sources() const { return sources_; }

  // From now on, every CollectOnce adds each source's wall, user and system time, samples and
  // files opened to costs() (--debug.cost). Off by default: it costs two getrusage calls per
  // source and collection.
  void EnableCostAccounting();
  // One entry per source, in collection order; empty unless EnableCostAccounting was called.
  const std::vector<SourceCost>& costs() const { return costs_; }
  // Samples dropped because another source had already written the same series.
  uint64_t duplicate_samples() const { return duplicate_samples_; }
  // Writes duplicate_samples() as hostmon_agent_duplicate_samples_total, and the samples dropped
  // because the collector would reject their labels as hostmon_agent_invalid_series_samples_total.
  // The long-running agent
  // adds it to every batch; --once prints only what the sources wrote.
  void WriteMetrics(SampleWriter& out) const;

 private:
  SeriesTable* table_;
  std::shared_ptr<CycleFiles> cycle_files_;  // null: the sources share no file
  std::vector<NamedSource> sources_;
  const common::Clock* clock_;
  std::vector<Contributor*> contributors_;
  std::vector<std::string> last_error_;  // per source, to log state changes only
  std::vector<SourceCost> costs_;        // per source, while cost accounting is on
  size_t last_size_ = 0;
  std::string name_cache_;
  std::vector<uint32_t> written_;  // per series ref: the cycle it was last written in
  std::vector<WrittenAt> order_;   // the last collection's samples, in the order written
  uint32_t cycle_ = 0;
  uint64_t duplicate_samples_ = 0;
  bool duplicates_logged_ = false;
  std::vector<uint8_t> valid_;  // per series ref: 0 unchecked, 1 valid, 2 dropped
  uint64_t invalid_samples_ = 0;
};

// Writes a batch as Prometheus text exposition, families sorted by name (for --once).
std::string FormatExposition(const SeriesTable& table, const CollectedBatch& batch);

}  // namespace hostmon::agent
