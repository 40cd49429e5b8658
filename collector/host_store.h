// SPDX-License-Identifier: Apache-2.0
//
// Latest value of every series of every host, as streamed by agents, and its re-export in
// Prometheus text format. A host's series carry instance="<host name>" and job (default "node")
// so that Prometheus scraping the collector with honor_labels: true sees each host as if a
// node_exporter ran there. Hosts and series that stop being updated disappear after the staleness
// period instead of being exported frozen.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "collector/batch_observer.h"
#include "common/clock.h"
#include "common/host_identity.h"
#include "hostmon/ingest/v1/ingest.pb.h"

namespace hostmon::collector {

struct HostStoreOptions {
  std::string default_job = "node";
  // Used when an agent does not announce its interval.
  absl::Duration default_interval = absl::Seconds(15);
  // Staleness = multiplier x the agent's interval, unless `staleness` is set (> 0).
  int staleness_intervals = 5;
  absl::Duration staleness = absl::ZeroDuration();
  // Limits against runaway or hostile agents.
  size_t max_series_per_host = 200000;
  size_t max_labels_per_series = 64;
  size_t max_label_value_bytes = common::kMaxStaticLabelValueBytes;
};

// Applied-sequence bookkeeping for exactly-once effect of at-least-once delivery: every sequence
// at or below `floor` was applied, plus the ones in `above`.
class SequenceTracker {
 public:
  // True if `seq` was not applied before; records it.
  bool MarkApplied(uint64_t seq);
  bool Seen(uint64_t seq) const;
  void Reset() {
    floor_ = 0;
    above_.clear();
  }

 private:
  static constexpr size_t kMaxAbove = 65536;
  uint64_t floor_ = 0;
  absl::btree_set<uint64_t> above_;
};

// Definitions one stream has made; owned by the stream, used by HostStore::Apply.
struct StreamState {
  struct Family {
    std::string name;
    ::hostmon::ingest::v1::MetricType type;
    std::string help;
  };
  struct Series {
    std::shared_ptr<const Family> family;
    std::vector<std::pair<std::string, std::string>> labels;
    std::string key;  // family name + labels; identifies the series within its host
  };
  std::string host;
  std::vector<std::pair<std::string, std::string>> host_labels;  // as attached
  uint64_t epoch = 0;
  bool attached = false;
  bool goodbye = false;
  bool drained = false;  // the collector closed the stream (shutdown), not the agent
  absl::flat_hash_map<uint32_t, std::shared_ptr<const Family>> families;
  absl::flat_hash_map<uint32_t, Series> series;
};

class HostStore {
 public:
  struct ApplyResult {
    bool duplicate = false;
    size_t samples = 0;
  };

  HostStore(HostStoreOptions options, const common::Clock* clock)
      : options_(std::move(options)), clock_(clock) {}

  // Registers a consumer of applied batches and host events; call before any stream attaches.
  // The observer must outlive the store's streams.
  void AddObserver(BatchObserver* observer) { observers_.push_back(observer); }

  // Validates the Hello and attaches the stream to its host (created if new).
  absl::Status Attach(const ::hostmon::ingest::v1::Hello& hello, StreamState* stream)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Validates the whole batch first (InvalidArgument naming the field; nothing applied then),
  // then records its definitions and, unless its sequence was applied before, its values.
  // `ack_hold` is handed to observers (AppliedBatch::ack_hold, or OnDuplicate for a re-send).
  absl::StatusOr<ApplyResult> Apply(const ::hostmon::ingest::v1::Batch& batch, StreamState* stream,
                                    AckHoldPtr ack_hold = nullptr) ABSL_LOCKS_EXCLUDED(mu_);
  void Detach(StreamState* stream) ABSL_LOCKS_EXCLUDED(mu_);

  // Appends the exposition of all fresh series of all hosts; drops stale series and hosts.
  void WriteExposition(std::string* out) ABSL_LOCKS_EXCLUDED(mu_);

  size_t connected_streams() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t host_count() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct SeriesEntry {
    std::shared_ptr<const StreamState::Family> family;
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
    int64_t timestamp_ms = 0;
    absl::Time updated;
  };
  struct Host {
    std::string instance;
    std::vector<std::pair<std::string, std::string>> labels;  // static labels, job, instance
    uint64_t epoch = 0;
    SequenceTracker applied;
    absl::node_hash_map<std::string, SeriesEntry> series;
    absl::Time last_seen;
    absl::Duration staleness;
    int streams = 0;
  };

  absl::StatusOr<ApplyResult> ApplyLocked(const ::hostmon::ingest::v1::Batch& batch,
                                          StreamState* stream, absl::Time now,
                                          AppliedBatch* applied) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AttachLocked(const std::string& name, uint64_t epoch,
                    std::vector<std::pair<std::string, std::string>> labels,
                    absl::Duration staleness, StreamState* stream)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void NotifyHostEvent(const StreamState& stream, HostEvent event);
  absl::Status ValidateBatch(const ::hostmon::ingest::v1::Batch& batch,
                             const StreamState& stream) const;

  const HostStoreOptions options_;
  const common::Clock* clock_;
  std::vector<BatchObserver*> observers_;  // fixed before streams start: read without the lock
  mutable absl::Mutex mu_;
  absl::node_hash_map<std::string, Host> hosts_ ABSL_GUARDED_BY(mu_);
  size_t streams_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hostmon::collector
