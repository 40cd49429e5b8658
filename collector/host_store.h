// SPDX-License-Identifier: Apache-2.0
//
// Latest value of every series of every host, as streamed by agents, and its re-export in
// Prometheus text format. A host's series carry instance="<host name>" and job (default "node")
// so that Prometheus scraping the collector with honor_labels: true sees each host as if a
// node_exporter ran there. Hosts and series that stop being updated disappear after the staleness
// period instead of being exported frozen. Hosts that disappeared are remembered for a while (as
// gone), so that per-host scrape targets of a dead host keep failing instead of vanishing.
//
// Layout and locking, for fleets of thousands of hosts:
// - Names, families and label sets are interned once for the whole collector (series_intern.h);
//   a host stores, per series, a reference to the shared description and its value.
// - Each host has its own lock. Applying a batch takes only its host's lock (the stream holds its
//   host), so hosts never wait for each other; the store-wide lock guards only the host table and
//   is taken when streams attach and detach and when a reader lists the hosts.
// - A host's series are kept sorted by family name and labels (new ones are appended and sorted in
//   by the next reader), so the exposition merges the hosts' sorted lists family by family and
//   never regroups. It locks one host for one family at a time and hands the text to its sink in
//   bounded pieces with no lock held: a slow client slows only itself, never ingest.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "collector/batch_observer.h"
#include "collector/ref_map.h"
#include "collector/series_intern.h"
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
  // How long a gone host stays listed (fleet page, /api/v1/targets answering 503, so Prometheus
  // keeps `up` at 0 for it), and how many gone hosts are remembered at most (oldest forgotten).
  absl::Duration gone_retention = absl::Hours(24);
  size_t max_gone_hosts = 10000;
  // Limits against runaway or hostile agents (docs/security.md, "Limits"). A series counts from
  // its definition on, sampled or not; a batch that would pass a limit is refused whole.
  size_t max_series_per_host = 200000;  // series stored for a host, and defined by one stream
  size_t max_series_total = 5000000;    // series stored, and defined by all streams together
  size_t max_hosts = 10000;             // hosts held (connected or stale; gone ones not)
  // Host names one client identity (certificate identity with mTLS, else peer address) holds.
  size_t max_hosts_per_client = 1000;
  size_t max_labels_per_series = 64;
  size_t max_label_value_bytes = common::kMaxStaticLabelValueBytes;
  // A sample stamped more than max_timestamp_future ahead of the collector's clock, before the
  // Unix epoch, or (when max_timestamp_age > 0) more than max_timestamp_age behind the clock makes
  // its batch rejected. No age bound by default: an agent's spool replays a backlog of up to its
  // max_age (72h by default), and an older sample never overwrites a newer value. Every accepted
  // timestamp lies in [0, now + max_timestamp_future], so differences of two cannot overflow.
  absl::Duration max_timestamp_future = absl::Minutes(10);
  absl::Duration max_timestamp_age = absl::ZeroDuration();  // 0: no bound but the epoch
  // Static label names agents may set (Hello). Empty: any name that is not reserved, except
  // `job`; otherwise exactly these (`job` only if listed). Reserved names never.
  std::vector<std::string> allowed_static_labels;
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

struct HostRecord;  // a host's stored state (host_store.cc)

// Definitions one stream has made; owned by the stream, used by HostStore::Apply.
struct StreamState {
  // Keeps the store's interned entries alive for the references below, whatever the order in
  // which the store and the stream's owner are destroyed (declared first: destroyed last).
  std::shared_ptr<SeriesInterner> interner;
  struct Series {
    Ref<SeriesDesc> desc;
    const Family* family = nullptr;  // as this stream defined it; held by `families`
    explicit operator bool() const { return static_cast<bool>(desc); }
  };
  std::string host;
  std::vector<std::pair<std::string, std::string>> host_labels;  // as attached
  // Who is connected, as the host-count limits see it: the peer certificate's identity with
  // mTLS, else the peer address without its port. Set before Attach.
  std::string client;
  uint64_t id = 0;  // unique per attached stream (HostStore::Attach)
  // Set by Attach: the id of the stream of the same host this one replaced (0: none). That
  // stream's batches are no longer applied; its owner should close it.
  uint64_t superseded_stream = 0;
  uint64_t epoch = 0;
  bool attached = false;
  bool goodbye = false;
  bool drained = false;  // the collector closed the stream (shutdown), not the agent
  RefMap<Ref<Family>> families;
  RefMap<Series> series;
  std::shared_ptr<HostRecord> record;  // the attached host
};

// Where a host stands. Prometheus's `up` of a per-host target is 1 only while it is connected.
enum class HostState {
  kConnected,  // an agent stream is attached and sent something within the staleness period
  kStale,      // no stream attached (agent stopped, crashed or cut off), or one attached that sent
               // nothing for the staleness period; its fresh series stay on /metrics
  kGone,       // no stream and nothing for the staleness period: its series left /metrics
};
absl::string_view HostStateName(HostState state);  // "connected", "stale", "gone"

// One host as the fleet page and the http_sd targets show it.
struct HostSummary {
  std::string instance;
  std::vector<std::pair<std::string, std::string>> labels;  // job, instance, static; by name
  HostState state = HostState::kConnected;
  absl::Time last_seen;                          // last hello or batch
  absl::Time last_batch = absl::InfinitePast();  // last applied batch; InfinitePast: none yet
  std::string agent_version;                     // as the agent announced it ("" if not)
  // The agent's own hostmon_agent_spool_pending_batches, if it reports it (spool enabled).
  std::optional<double> spool_pending_batches;
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

  // Validates the Hello and attaches the stream to its host (created if new). A new host name over
  // max_hosts or max_hosts_per_client is ResourceExhausted. The newest stream of a host wins: a
  // stream still attached to the host is superseded (stream->superseded_stream names it).
  absl::Status Attach(const ::hostmon::ingest::v1::Hello& hello, StreamState* stream)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Validates the whole batch first (InvalidArgument naming the field; nothing applied then),
  // then records its definitions and, unless its sequence was applied before, its values.
  // `ack_hold` is handed to observers (AppliedBatch::ack_hold, or OnDuplicate for a re-send).
  // Refused whole, nothing recorded and the sequence not marked applied (so a re-send is refused
  // again, never acknowledged as a duplicate): ResourceExhausted when its definitions or new
  // series pass a series limit; Aborted when a newer stream of the host superseded this one.
  // OutOfRange when a sample's timestamp lies outside the accepted window: its definitions are
  // recorded (they carry no time), its values are not.
  absl::StatusOr<ApplyResult> Apply(const ::hostmon::ingest::v1::Batch& batch, StreamState* stream,
                                    AckHoldPtr ack_hold = nullptr) ABSL_LOCKS_EXCLUDED(mu_);
  void Detach(StreamState* stream) ABSL_LOCKS_EXCLUDED(mu_);

  // Receives the exposition in pieces; returns false to stop (the client is gone).
  using ExpositionSink = std::function<bool(absl::string_view piece)>;
  // Streams the exposition of all fresh series of all hosts to `sink`, in pieces of about
  // kExpositionPieceBytes; drops stale series and hosts. False when the sink asked to stop.
  bool StreamExposition(const ExpositionSink& sink) ABSL_LOCKS_EXCLUDED(mu_);
  static constexpr size_t kExpositionPieceBytes = 64 * 1024;
  // The same, appended to *out.
  void WriteExposition(std::string* out) ABSL_LOCKS_EXCLUDED(mu_);
  // Appends the exposition of one host's fresh series, as /metrics shows them. NotFound for a
  // host never seen (or forgotten); Unavailable for a stale or gone host (nothing appended), so
  // that a scrape of it fails.
  absl::Status WriteHostExposition(absl::string_view instance, std::string* out)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Every host, connected, stale or gone (within gone_retention), sorted by instance.
  std::vector<HostSummary> Hosts() ABSL_LOCKS_EXCLUDED(mu_);

  // Moves hosts past their staleness to gone (the expositions and Hosts() do it too).
  void ExpireHosts() ABSL_LOCKS_EXCLUDED(mu_);
  size_t connected_streams() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t host_count() const ABSL_LOCKS_EXCLUDED(mu_);
  // Series stored for all hosts, and series defined by all attached streams (the global limit).
  size_t stored_series() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t defined_series() const ABSL_LOCKS_EXCLUDED(mu_);
  const HostStoreOptions& options() const { return options_; }

 private:
  // What is remembered of a host after it is gone.
  struct GoneHost {
    std::vector<std::pair<std::string, std::string>> labels;
    absl::Time last_seen;
    absl::Time last_batch;
    absl::Time gone_at;
    std::string agent_version;
  };

  absl::Status ValidateBatch(const ::hostmon::ingest::v1::Batch& batch,
                             const StreamState& stream) const;
  // OutOfRange unless every sample's timestamp lies within the window around `now`.
  absl::Status CheckTimestamps(const ::hostmon::ingest::v1::Batch& batch, absl::Time now) const;
  // The static label policy (HostStoreOptions::allowed_static_labels) on top of
  // common::ValidateStaticLabel.
  absl::Status CheckStaticLabel(absl::string_view name, absl::string_view value) const;
  // Under the host's lock; `families` and `series` are the batch's definitions, interned by Apply
  // and moved into the stream once the limits allow them; `in_window` is CheckTimestamps' verdict.
  absl::StatusOr<ApplyResult> ApplyToHost(
      const ::hostmon::ingest::v1::Batch& batch, StreamState* stream, HostRecord& host,
      absl::Time now, const absl::Status& in_window,
      absl::flat_hash_map<uint32_t, Ref<Family>>* families,
      absl::flat_hash_map<uint32_t, StreamState::Series>* series, AppliedBatch* applied);
  void AttachLocked(const std::string& name, uint64_t epoch,
                    std::vector<std::pair<std::string, std::string>> labels,
                    absl::Duration staleness, StreamState* stream)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves hosts without a stream and silent for their staleness period to gone_, and forgets gone
  // hosts past gone_retention (and the oldest beyond max_gone_hosts).
  void ExpireHostsLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The hosts held now, by instance.
  std::vector<std::shared_ptr<HostRecord>> SnapshotHosts(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  // Under the host's lock: drops its series not updated for its staleness period and sorts in the
  // ones added since the last call.
  void TidyHost(HostRecord& host, absl::Time now);
  HostState StateOf(const HostRecord& host, absl::Time now) const;
  void NotifyHostEvent(const StreamState& stream, HostEvent event);
  void ForgetClientHostLocked(const std::string& client) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds `n` to a series count unless that passes `limit`; false then (nothing added).
  static bool Reserve(std::atomic<size_t>* count, size_t n, size_t limit);

  const HostStoreOptions options_;
  const common::Clock* clock_;
  std::vector<BatchObserver*> observers_;  // fixed before streams start: read without the lock
  const std::shared_ptr<SeriesInterner> interner_ = std::make_shared<SeriesInterner>();
  mutable absl::Mutex mu_;  // the host table; taken before a host's lock, never after
  absl::flat_hash_map<std::string, std::shared_ptr<HostRecord>> hosts_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, GoneHost> gone_ ABSL_GUARDED_BY(mu_);
  size_t streams_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_stream_id_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, size_t> client_hosts_ ABSL_GUARDED_BY(mu_);  // by client
  std::atomic<size_t> stored_series_{0};   // series held by all hosts
  std::atomic<size_t> defined_series_{0};  // series defined by all attached streams
  // One full exposition at a time: it alone re-sorts hosts while merging them.
  absl::Mutex exposition_mu_;
};

}  // namespace hostmon::collector
