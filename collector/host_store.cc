// SPDX-License-Identifier: Apache-2.0
#include "collector/host_store.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "collector/alerting/engine_exposition.h"
#include "common/exposition.h"
#include "common/host_identity.h"
#include "common/log.h"

namespace hostmon::collector {

namespace pb = ::hostmon::ingest::v1;
namespace log = ::hostmon::common::log;
using common::IsValidLabelName;
using common::IsValidMetricName;
using common::IsValidUtf8;

bool SequenceTracker::Seen(uint64_t seq) const { return seq <= floor_ || above_.contains(seq); }

bool SequenceTracker::MarkApplied(uint64_t seq) {
  if (Seen(seq)) return false;
  above_.insert(seq);
  while (!above_.empty() && *above_.begin() == floor_ + 1) {
    floor_++;
    above_.erase(above_.begin());
  }
  // Gaps that never fill (batches the agent dropped) would grow the set forever; past the bound
  // the oldest gap is given up on, and a batch from it arriving later counts as a duplicate.
  while (above_.size() > kMaxAbove) {
    floor_ = *above_.begin();
    above_.erase(above_.begin());
    while (!above_.empty() && *above_.begin() == floor_ + 1) {
      floor_++;
      above_.erase(above_.begin());
    }
  }
  return true;
}

namespace {

constexpr absl::string_view kReservedPrefix = "hostmon_collector_";

}  // namespace

absl::Status HostStore::CheckStaticLabel(absl::string_view name, absl::string_view value) const {
  const auto& allowed = options_.allowed_static_labels;
  const bool listed = std::find(allowed.begin(), allowed.end(), name) != allowed.end();
  if (absl::Status s = common::ValidateStaticLabel(name, value, options_.max_label_value_bytes,
                                                   /*allow_job=*/listed);
      !s.ok()) {
    return s;
  }
  if (!allowed.empty() && !listed) {
    return absl::InvalidArgumentError(
        absl::StrCat("label \"", name, "\" is not in the collector's hosts.allowed_static_labels"));
  }
  return absl::OkStatus();
}

namespace {

// One stored series of a host: the shared description and the latest value.
struct Slot {
  Ref<SeriesDesc> desc;
  double value = 0;
  int64_t timestamp_ms = INT64_MIN;
  int64_t updated_ns = 0;  // collector clock (Unix ns) when a sample last changed it
};

// Exposition order: family name, then labels.
bool SlotLess(const Slot& a, const Slot& b) {
  const std::string& an = a.desc->name->name;
  const std::string& bn = b.desc->name->name;
  if (an != bn) return an < bn;
  return a.desc->key < b.desc->key;
}

// Where each of a host's series sits in its slots: an open-addressing table of positions (4
// bytes each, at most 3/4 full) hashed by the series' description, which the slot itself holds.
// A map from description to position would hold the pointer again, in 16-byte entries at most 7/8
// full: 33 bytes per series for a host of 520, as much as the slot. Rebuilt in place when the
// slots move, so a scrape that sorts a host allocates nothing (see TidyHost).
class SlotIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  uint32_t Find(const SeriesDesc* desc, const std::vector<Slot>& slots) const {
    if (table_.empty()) return kNone;
    const size_t mask = table_.size() - 1;
    for (size_t i = Hash(desc) & mask;; i = (i + 1) & mask) {
      const uint32_t e = table_[i];
      if (e == 0) return kNone;
      if (slots[e - 1].desc.get() == desc) return e - 1;
    }
  }
  // Indexes slots[pos], whose description is not indexed yet.
  void Add(const std::vector<Slot>& slots, uint32_t pos) {
    Reserve(size_ + 1, slots);
    Insert(slots[pos].desc.get(), pos);
    size_++;
  }
  // Room for n series without growing (grows now if needed, re-indexing `slots`).
  void Reserve(size_t n, const std::vector<Slot>& slots) {
    if (4 * n <= 3 * table_.size()) return;
    size_t capacity = 16;
    while (4 * n > 3 * capacity) capacity *= 2;
    table_.assign(capacity, 0);
    for (size_t i = 0; i < size_; ++i) Insert(slots[i].desc.get(), static_cast<uint32_t>(i));
  }
  // Re-indexes `slots` after they moved or some were dropped (no more than were indexed).
  void Rebuild(const std::vector<Slot>& slots) {
    std::fill(table_.begin(), table_.end(), 0);
    size_ = slots.size();
    for (size_t i = 0; i < size_; ++i) Insert(slots[i].desc.get(), static_cast<uint32_t>(i));
  }
  void Clear() {
    table_.clear();
    table_.shrink_to_fit();
    size_ = 0;
  }

 private:
  static size_t Hash(const SeriesDesc* desc) { return absl::Hash<const SeriesDesc*>{}(desc); }
  void Insert(const SeriesDesc* desc, uint32_t pos) {
    const size_t mask = table_.size() - 1;
    size_t i = Hash(desc) & mask;
    while (table_[i] != 0) i = (i + 1) & mask;
    table_[i] = pos + 1;
  }

  std::vector<uint32_t> table_;  // position + 1; 0: free. Empty, or a power of 2 in size.
  size_t size_ = 0;              // positions indexed: slots [0, size_)
};

}  // namespace

// A host's stored state. Every field but `instance` is guarded by `mu`.
struct HostRecord {
  explicit HostRecord(std::string name) : instance(std::move(name)) {}
  const std::string instance;
  absl::Mutex mu;
  std::vector<std::pair<std::string, std::string>> labels;  // static labels, job, instance
  std::string label_text;                                   // as the exposition writes them
  uint64_t label_mask = 0;                                  // LabelNameMask(labels)
  uint64_t epoch = 0;
  SequenceTracker applied;
  // [0, sorted) in exposition order (SlotLess); series added since the last TidyHost follow.
  std::vector<Slot> slots;
  size_t sorted = 0;
  uint64_t layout = 0;  // changes whenever slots move, so that a reader's positions are re-found
  SlotIndex index;      // position in `slots`
  absl::Time last_seen;
  absl::Time last_batch = absl::InfinitePast();
  absl::Duration staleness;
  int streams = 0;
  uint64_t active_stream = 0;  // the newest attached stream; only its batches are applied
  std::string client;          // StreamState::client of the newest stream
  std::string agent_version;
  // Content fingerprints of the latest applied sequences: a batch re-using an applied sequence
  // number with other content (another agent with the same epoch) is not a re-send. Allocated
  // with the first applied batch: a host that only said hello (1 kB less) needs none.
  using RecentBatches = std::array<std::pair<uint64_t, uint64_t>, 64>;
  std::unique_ptr<RecentBatches> recent;
  size_t recent_next = 0;
};

bool HostStore::Reserve(std::atomic<size_t>* count, size_t n, size_t limit) {
  size_t cur = count->load(std::memory_order_relaxed);
  do {
    if (cur + n > limit) return false;
  } while (!count->compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  return true;
}

absl::Status HostStore::Attach(const pb::Hello& hello, StreamState* stream) {
  const std::string& name = hello.host_name();
  if (absl::Status s = common::ValidateHostName(name); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("hello.host_name: ", s.message()));
  }
  if (hello.epoch() == 0) return absl::InvalidArgumentError("hello.epoch: must not be 0");
  std::vector<std::pair<std::string, std::string>> labels;
  for (int i = 0; i < hello.static_labels_size(); ++i) {
    const pb::Label& l = hello.static_labels(i);
    std::string where = absl::StrCat("hello.static_labels[", i, "]");
    if (absl::Status s = CheckStaticLabel(l.name(), l.value()); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", s.message()));
    }
    for (const auto& [k, v] : labels) {
      if (k == l.name()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate label \"", k, "\""));
      }
    }
    labels.emplace_back(l.name(), l.value());
  }
  if (std::none_of(labels.begin(), labels.end(),
                   [](const auto& kv) { return kv.first == "job"; })) {
    labels.emplace_back("job", options_.default_job);
  }
  labels.emplace_back("instance", name);
  std::sort(labels.begin(), labels.end());
  absl::Duration interval = hello.collection_interval_ms() > 0
                                ? absl::Milliseconds(hello.collection_interval_ms())
                                : options_.default_interval;
  absl::Duration staleness = options_.staleness > absl::ZeroDuration()
                                 ? options_.staleness
                                 : interval * options_.staleness_intervals;

  {
    absl::MutexLock lock(&mu_);
    auto hit = hosts_.find(name);
    bool new_host = hit == hosts_.end();
    auto client_full = [&] {
      if (!new_host) {
        absl::MutexLock host_lock(&hit->second->mu);
        if (hit->second->client == stream->client) return false;
      }
      auto cit = client_hosts_.find(stream->client);
      return cit != client_hosts_.end() && cit->second >= options_.max_hosts_per_client;
    };
    if ((new_host && hosts_.size() >= options_.max_hosts) || client_full()) {
      // Hosts past their staleness leave only when something looks; look before refusing.
      ExpireHostsLocked(clock_->Now());
      hit = hosts_.find(name);
      new_host = hit == hosts_.end();
    }
    if (new_host && hosts_.size() >= options_.max_hosts) {
      return absl::ResourceExhaustedError(
          absl::StrCat("hello.host_name \"", name, "\": the collector already holds ",
                       options_.max_hosts, " hosts (hosts.max_hosts)"));
    }
    if (client_full()) {
      return absl::ResourceExhaustedError(
          absl::StrCat("hello.host_name \"", name, "\": client ", stream->client, " already holds ",
                       options_.max_hosts_per_client, " host names (hosts.max_hosts_per_client)"));
    }
    AttachLocked(name, hello.epoch(), std::move(labels), staleness, stream);
    absl::MutexLock host_lock(&stream->record->mu);
    stream->record->agent_version = hello.agent_version().substr(0, 128);
  }
  NotifyHostEvent(*stream, HostEvent::kConnected);
  return absl::OkStatus();
}

void HostStore::AttachLocked(const std::string& name, uint64_t epoch,
                             std::vector<std::pair<std::string, std::string>> labels,
                             absl::Duration staleness, StreamState* stream) {
  gone_.erase(name);
  std::shared_ptr<HostRecord>& record = hosts_[name];
  const bool new_host = record == nullptr;
  if (new_host) record = std::make_shared<HostRecord>(name);
  HostRecord& host = *record;
  absl::MutexLock host_lock(&host.mu);
  if (new_host || host.client != stream->client) {
    if (!new_host) ForgetClientHostLocked(host.client);
    client_hosts_[stream->client]++;
    host.client = stream->client;
  }
  stream->id = ++next_stream_id_;
  stream->superseded_stream = 0;
  if (host.active_stream != 0) {
    // Newest wins: an agent that reconnects may do so before the collector notices its old
    // connection died; two agents claiming one name would otherwise mix their series.
    log::Warn("a newer agent stream for the same host name replaces the older one",
              log::Kv("host", name) + log::Kv("client", stream->client));
    stream->superseded_stream = host.active_stream;
  }
  host.active_stream = stream->id;
  defined_series_ += stream->series.size();  // none for a new stream
  if (host.epoch != epoch) {
    // A new sequence space (agent without its spool): earlier sequence numbers mean nothing now.
    host.applied.Reset();
    host.epoch = epoch;
  }
  host.labels = std::move(labels);
  std::vector<common::LabelRef> refs;
  for (const auto& [k, v] : host.labels) refs.push_back({k, v});
  host.label_text.clear();
  common::AppendLabelPairs(&host.label_text, refs);
  host.label_mask = LabelNameMask(host.labels);
  host.staleness = staleness;
  host.last_seen = clock_->Now();
  host.streams++;
  streams_++;
  stream->interner = interner_;
  stream->record = record;
  stream->host = name;
  stream->host_labels = host.labels;
  stream->epoch = epoch;
  stream->attached = true;
}

void HostStore::NotifyHostEvent(const StreamState& stream, HostEvent event) {
  absl::Time now = clock_->Now();
  for (BatchObserver* o : observers_) o->OnHostEvent(stream.host, stream.host_labels, event, now);
}

void HostStore::Detach(StreamState* stream) {
  if (!stream->attached) return;
  {
    absl::MutexLock lock(&mu_);
    stream->attached = false;
    streams_--;
    defined_series_ -= stream->series.size();
    HostRecord& host = *stream->record;
    absl::MutexLock host_lock(&host.mu);
    host.streams--;
    if (host.active_stream == stream->id) host.active_stream = 0;
  }
  NotifyHostEvent(*stream, stream->goodbye   ? HostEvent::kGoodbye
                           : stream->drained ? HostEvent::kDrained
                                             : HostEvent::kStreamLost);
}

absl::string_view HostEventName(HostEvent event) {
  switch (event) {
    case HostEvent::kConnected:
      return "connected";
    case HostEvent::kGoodbye:
      return "goodbye";
    case HostEvent::kStreamLost:
      return "stream_lost";
    case HostEvent::kDrained:
      return "drained";
  }
  return "unknown";
}

absl::Status HostStore::ValidateBatch(const pb::Batch& batch, const StreamState& stream) const {
  if (batch.sequence() == 0) return absl::InvalidArgumentError("batch.sequence: must not be 0");
  absl::flat_hash_map<uint32_t, absl::string_view> new_families;  // ref -> name
  for (int i = 0; i < batch.family_defs_size(); ++i) {
    const pb::FamilyDef& f = batch.family_defs(i);
    std::string where = absl::StrCat("batch.family_defs[", i, "]");
    if (!IsValidMetricName(f.name())) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": invalid metric name \"", f.name().substr(0, 200), "\""));
    }
    if (absl::StartsWith(f.name(), kReservedPrefix) || alerting::IsEngineMetricName(f.name())) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": metric name \"", f.name(), "\" is reserved for the collector (",
                       kReservedPrefix, "*, hostmon_alerts, hostmon_alerts_for_state, ",
                       "hostmon_rule_value, hostmon_alerting_*)"));
    }
    if (f.type() != pb::METRIC_TYPE_GAUGE && f.type() != pb::METRIC_TYPE_COUNTER &&
        f.type() != pb::METRIC_TYPE_UNTYPED) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": invalid metric type ", f.type()));
    }
    if (!IsValidUtf8(f.help()) || f.help().size() > 4096) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": help must be UTF-8, <= 4096 bytes"));
    }
    new_families[f.ref()] = f.name();
  }
  // ref -> key of the series defined by this batch, and back.
  absl::flat_hash_map<uint32_t, std::string> new_series;
  absl::flat_hash_map<std::string, uint32_t> new_keys;
  std::vector<common::LabelView> labels;
  std::vector<std::string> host_label_names;
  for (const auto& [k, v] : stream.host_labels) host_label_names.push_back(k);
  for (int i = 0; i < batch.series_defs_size(); ++i) {
    const pb::SeriesDef& s = batch.series_defs(i);
    std::string where = absl::StrCat("batch.series_defs[", i, "]");
    if (!new_families.contains(s.family_ref()) && !stream.families.contains(s.family_ref())) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": unknown family_ref ", s.family_ref()));
    }
    if (static_cast<size_t>(s.labels_size()) > options_.max_labels_per_series) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": more than ", options_.max_labels_per_series, " labels"));
    }
    auto nf = new_families.find(s.family_ref());
    absl::string_view family =
        nf != new_families.end()
            ? nf->second
            : absl::string_view((*stream.families.find(s.family_ref()))->name->name);
    labels.clear();
    for (const pb::Label& l : s.labels()) labels.push_back({l.name(), l.value()});
    size_t failed = 0;
    if (absl::Status st = common::ValidateSeriesLabels(labels, host_label_names,
                                                       options_.max_label_value_bytes, &failed);
        !st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".labels[", failed, "]: ", st.message(),
                                                     " (series ",
                                                     common::SeriesText(family, labels), ")"));
    }
    // One label set is one series: two refs for it in one batch would be two samples of one
    // series. (Across batches a second ref is legitimate: a replayed batch of an earlier agent
    // process defines its own refs.)
    std::string key = SeriesKey(family, labels);
    auto [it, inserted] = new_series.emplace(s.ref(), key);
    if (!inserted && it->second != key) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": series ref ", s.ref(), " defined twice in one batch"));
    }
    if (auto [kit, fresh] = new_keys.emplace(std::move(key), s.ref());
        !fresh && kit->second != s.ref()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate series definition of ",
                                                     common::SeriesText(family, labels),
                                                     " (also series ref ", kit->second, ")"));
    }
  }
  if (batch.series_refs_size() != batch.values_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch: ", batch.series_refs_size(), " series_refs but ", batch.values_size(), " values"));
  }
  if (batch.sample_timestamp_offsets_ms_size() != 0 &&
      batch.sample_timestamp_offsets_ms_size() != batch.values_size()) {
    return absl::InvalidArgumentError(
        "batch.sample_timestamp_offsets_ms: must be empty or as long as values");
  }
  for (int i = 0; i < batch.series_refs_size(); ++i) {
    uint32_t ref = batch.series_refs(i);
    if (!new_series.contains(ref) && !stream.series.contains(ref)) {
      return absl::InvalidArgumentError(
          absl::StrCat("batch.series_refs[", i, "]: unknown series ref ", ref));
    }
  }
  return absl::OkStatus();
}

absl::Status HostStore::CheckTimestamps(const pb::Batch& batch, absl::Time now) const {
  if (batch.values_size() == 0) return absl::OkStatus();
  // Saturating bounds: an infinite window or a clock at the edge of the range never overflows.
  const int64_t now_ms = absl::ToUnixMillis(now);
  const int64_t future_ms = absl::ToInt64Milliseconds(options_.max_timestamp_future);
  const int64_t age_ms = absl::ToInt64Milliseconds(options_.max_timestamp_age);
  int64_t newest, oldest = 0, bound;
  if (__builtin_add_overflow(now_ms, future_ms, &newest)) newest = INT64_MAX;
  if (options_.max_timestamp_age > absl::ZeroDuration() &&
      !__builtin_sub_overflow(now_ms, age_ms, &bound)) {
    oldest = std::max<int64_t>(bound, 0);
  }
  const bool has_offsets = batch.sample_timestamp_offsets_ms_size() > 0;
  for (int i = 0; i < batch.values_size(); ++i) {
    int64_t ts = batch.timestamp_ms();
    if (has_offsets && __builtin_add_overflow(ts, batch.sample_timestamp_offsets_ms(i), &ts)) {
      return absl::OutOfRangeError(absl::StrCat(
          "batch.sample_timestamp_offsets_ms[", i, "]: timestamp ", batch.timestamp_ms(), " + ",
          batch.sample_timestamp_offsets_ms(i), " overflows"));
    }
    if (ts > newest) {
      return absl::OutOfRangeError(absl::StrCat(
          "batch: sample ", i, " timestamp ", ts, " ms is more than ",
          absl::FormatDuration(options_.max_timestamp_future), " ahead of the collector's clock (",
          now_ms, " ms; ingest.max_timestamp_future)"));
    }
    if (ts < oldest) {
      return absl::OutOfRangeError(
          oldest == 0
              ? absl::StrCat("batch: sample ", i, " timestamp ", ts, " ms is before the Unix epoch")
              : absl::StrCat("batch: sample ", i, " timestamp ", ts, " ms is more than ",
                             absl::FormatDuration(options_.max_timestamp_age),
                             " behind the collector's clock (", now_ms,
                             " ms; ingest.max_timestamp_age)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<HostStore::ApplyResult> HostStore::Apply(const pb::Batch& batch, StreamState* stream,
                                                        AckHoldPtr ack_hold) {
  if (!stream->attached) return absl::FailedPreconditionError("batch before hello");
  if (absl::Status s = ValidateBatch(batch, *stream); !s.ok()) return s;

  // The batch's definitions are interned aside and recorded only once every limit check passed.
  absl::flat_hash_map<uint32_t, Ref<Family>> families;
  for (const pb::FamilyDef& f : batch.family_defs()) {
    families[f.ref()] = interner_->InternFamily(f.name(), f.type(), f.help());
  }
  absl::flat_hash_map<uint32_t, StreamState::Series> series;
  LabelPairs labels;
  for (const pb::SeriesDef& d : batch.series_defs()) {
    auto fit = families.find(d.family_ref());
    const Family* family =
        fit != families.end() ? fit->second.get() : stream->families.find(d.family_ref())->get();
    labels.clear();
    for (const pb::Label& l : d.labels()) labels.emplace_back(l.name(), l.value());
    series[d.ref()] = StreamState::Series{interner_->InternSeries(*family, labels), family};
  }

  ApplyResult result;
  absl::Time now = clock_->Now();
  const absl::Status in_window = CheckTimestamps(batch, now);
  AppliedBatch applied;
  {
    HostRecord& host = *stream->record;
    absl::MutexLock lock(&host.mu);
    absl::StatusOr<ApplyResult> r =
        ApplyToHost(batch, stream, host, now, in_window, &families, &series, &applied);
    if (!r.ok() || observers_.empty()) return r;
    result = *r;
  }
  if (result.duplicate) {
    for (BatchObserver* o : observers_) {
      o->OnDuplicate(stream->host, stream->epoch, batch.sequence(), ack_hold);
    }
    return result;
  }
  applied.ack_hold = std::move(ack_hold);
  // Observers run outside the lock; the series they point to belong to this stream, which only
  // this thread mutates.
  for (BatchObserver* o : observers_) o->OnBatch(applied);
  return result;
}

namespace {

// What identifies a batch's content apart from its sequence number. Refs are left out: a batch
// replayed from the spool may define other refs than its first sending did.
uint64_t Fingerprint(const pb::Batch& batch) {
  return absl::Hash<std::tuple<int64_t, absl::Span<const double>, absl::Span<const int64_t>>>()(
      std::make_tuple(batch.timestamp_ms(),
                      absl::MakeConstSpan(batch.values().data(), batch.values_size()),
                      absl::MakeConstSpan(batch.sample_timestamp_offsets_ms().data(),
                                          batch.sample_timestamp_offsets_ms_size())));
}

}  // namespace

absl::StatusOr<HostStore::ApplyResult> HostStore::ApplyToHost(
    const pb::Batch& batch, StreamState* stream, HostRecord& host, absl::Time now,
    const absl::Status& in_window, absl::flat_hash_map<uint32_t, Ref<Family>>* families,
    absl::flat_hash_map<uint32_t, StreamState::Series>* series, AppliedBatch* applied) {
  ApplyResult result;
  if (host.active_stream != stream->id) {
    return absl::AbortedError(absl::StrCat("a newer stream of host ", host.instance,
                                           " replaced this one; batch not applied"));
  }

  // Limits, before anything is recorded: definitions of this stream...
  size_t new_defs = 0;
  for (const auto& [ref, s] : *series) new_defs += stream->series.contains(ref) ? 0 : 1;
  size_t new_families = 0;
  for (const auto& [ref, f] : *families) new_families += stream->families.contains(ref) ? 0 : 1;
  if (stream->series.size() + new_defs > options_.max_series_per_host ||
      stream->families.size() + new_families > options_.max_series_per_host) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "host ", host.instance, ": this stream would define more than ",
        options_.max_series_per_host, " series (hosts.max_series_per_host); batch refused"));
  }
  auto lookup = [&](uint32_t ref) -> const StreamState::Series& {
    auto it = series->find(ref);
    return it != series->end() ? it->second : *stream->series.find(ref);
  };
  bool duplicate = stream->epoch == host.epoch && host.applied.Seen(batch.sequence());
  const uint64_t fingerprint = Fingerprint(batch);
  if (duplicate && host.recent != nullptr) {
    for (const auto& [seq, fp] : *host.recent) {
      if (seq == batch.sequence() && fp != fingerprint) {
        log::Warn("a batch re-uses an applied sequence number with other content; applied",
                  log::Kv("host", host.instance) +
                      log::Kv("sequence", static_cast<int64_t>(batch.sequence())));
        duplicate = false;
      }
    }
  }
  // ...and series stored for this host.
  size_t new_stored = 0;
  if (!duplicate && in_window.ok()) {
    absl::flat_hash_set<const SeriesDesc*> new_series;
    for (uint32_t ref : batch.series_refs()) {
      const SeriesDesc* desc = lookup(ref).desc.get();
      if (host.index.Find(desc, host.slots) == SlotIndex::kNone) new_series.insert(desc);
    }
    new_stored = new_series.size();
    if (host.slots.size() + new_stored > options_.max_series_per_host) {
      return absl::ResourceExhaustedError(
          absl::StrCat("host ", host.instance, " would exceed ", options_.max_series_per_host,
                       " series (hosts.max_series_per_host); batch refused"));
    }
  }
  // The collector-wide limits, reserved so that concurrent batches of other hosts cannot pass
  // them together.
  if (!Reserve(&defined_series_, new_defs, options_.max_series_total)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("host ", host.instance, ": all streams together would define more than ",
                     options_.max_series_total, " series (hosts.max_series_total); batch refused"));
  }
  if (!Reserve(&stored_series_, new_stored, options_.max_series_total)) {
    defined_series_ -= new_defs;
    return absl::ResourceExhaustedError(
        absl::StrCat("host ", host.instance, ": the collector would store more than ",
                     options_.max_series_total, " series (hosts.max_series_total); batch refused"));
  }

  // Definitions are recorded even for duplicate batches: a re-send on a new stream carries the
  // definitions that later batches of that stream rely on.
  uint32_t max_ref = 0;
  for (const auto& [ref, s] : *series) max_ref = std::max(max_ref, ref);
  stream->series.reserve(max_ref, series->size());
  for (auto& [ref, f] : *families) stream->families.insert_or_assign(ref, std::move(f));
  for (auto& [ref, s] : *series) stream->series.insert_or_assign(ref, std::move(s));
  if (duplicate) {
    // Applied before, so acknowledging it again is the truth, whatever its timestamps.
    host.last_seen = now;
    result.duplicate = true;
    return result;
  }
  if (!in_window.ok()) return in_window;
  host.last_seen = now;
  host.last_batch = now;
  if (stream->epoch == host.epoch) host.applied.MarkApplied(batch.sequence());
  if (host.recent == nullptr) host.recent = std::make_unique<HostRecord::RecentBatches>();
  HostRecord::RecentBatches& recent = *host.recent;
  auto slot = std::find_if(recent.begin(), recent.end(),
                           [&](const auto& e) { return e.first == batch.sequence(); });
  if (slot == recent.end()) {
    slot = recent.begin() + host.recent_next;
    host.recent_next = (host.recent_next + 1) % recent.size();
  }
  *slot = {batch.sequence(), fingerprint};

  const bool has_offsets = batch.sample_timestamp_offsets_ms_size() > 0;
  const bool observe = !observers_.empty();
  if (observe) {
    applied->host = host.instance;
    applied->host_labels = host.labels;
    applied->epoch = stream->epoch;
    applied->sequence = batch.sequence();
    applied->replayed = batch.replayed();
    applied->timestamp_ms = batch.timestamp_ms();
    applied->arrival = now;
    applied->samples.reserve(batch.series_refs_size());
  }
  if (new_stored > 0) {
    // Room for the new series at once: a host's series mostly arrive in one batch (the
    // definitions), and a vector grown by push_back would leave up to half of it unused for the
    // host's whole life (32 bytes per series). Later additions grow it by an eighth at least.
    const size_t need = host.slots.size() + new_stored;
    if (need > host.slots.capacity()) {
      host.slots.reserve(std::max(need, host.slots.size() + host.slots.size() / 8));
    }
    host.index.Reserve(need, host.slots);
  }
  const int64_t now_ns = absl::ToUnixNanos(now);
  for (int i = 0; i < batch.series_refs_size(); ++i) {
    const StreamState::Series& s = *stream->series.find(batch.series_refs(i));
    // CheckTimestamps proved this sum in range.
    int64_t ts = batch.timestamp_ms() + (has_offsets ? batch.sample_timestamp_offsets_ms(i) : 0);
    uint32_t pos = host.index.Find(s.desc.get(), host.slots);
    if (pos == SlotIndex::kNone) {
      pos = static_cast<uint32_t>(host.slots.size());
      host.slots.push_back(Slot{s.desc, 0, INT64_MIN, now_ns});
      host.index.Add(host.slots, pos);
    }
    Slot& e = host.slots[pos];
    // A replayed (older) sample must not overwrite a newer live value.
    if (ts >= e.timestamp_ms) {
      e.value = batch.values(i);
      e.timestamp_ms = ts;
      e.updated_ns = now_ns;
    }
    if (observe) {
      applied->samples.push_back(
          AppliedSample{&s.desc->name->name, s.family->type, &s.desc->labels, batch.values(i), ts});
    }
    result.samples++;
  }
  return result;
}

absl::string_view HostStateName(HostState state) {
  switch (state) {
    case HostState::kConnected:
      return "connected";
    case HostState::kStale:
      return "stale";
    case HostState::kGone:
      return "gone";
  }
  return "unknown";
}

HostState HostStore::StateOf(const HostRecord& host, absl::Time now) const {
  return host.streams > 0 && now - host.last_seen <= host.staleness ? HostState::kConnected
                                                                    : HostState::kStale;
}

void HostStore::ExpireHostsLocked(absl::Time now) {
  for (auto hit = hosts_.begin(); hit != hosts_.end();) {
    bool gone = false;
    {
      HostRecord& host = *hit->second;
      absl::MutexLock host_lock(&host.mu);
      if (host.streams == 0 && now - host.last_seen > host.staleness) {
        log::Info("host is gone (stale)", log::Kv("host", host.instance));
        stored_series_ -= host.slots.size();
        ForgetClientHostLocked(host.client);
        gone_[host.instance] =
            GoneHost{std::move(host.labels), host.last_seen, host.last_batch,
                     host.last_seen + host.staleness, std::move(host.agent_version)};
        // A reader or a stream's state may still hold the record: empty it now.
        host.slots.clear();
        host.slots.shrink_to_fit();
        host.index.Clear();
        host.sorted = 0;
        host.layout++;
        gone = true;
      }
    }
    // After the host's lock is released: erasing may destroy the record and its mutex.
    if (gone) {
      hosts_.erase(hit++);
    } else {
      ++hit;
    }
  }
  for (auto git = gone_.begin(); git != gone_.end();) {
    if (now - git->second.gone_at > options_.gone_retention) {
      gone_.erase(git++);
    } else {
      ++git;
    }
  }
  // A flood of short-lived host names must not grow this without bound.
  while (gone_.size() > options_.max_gone_hosts) {
    auto oldest = gone_.begin();
    for (auto git = gone_.begin(); git != gone_.end(); ++git) {
      if (git->second.gone_at < oldest->second.gone_at) oldest = git;
    }
    gone_.erase(oldest);
  }
}

void HostStore::TidyHost(HostRecord& host, absl::Time now) {
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t staleness_ns = absl::ToInt64Nanoseconds(host.staleness);
  std::vector<Slot>& slots = host.slots;
  // Drop stale series, keeping the order of the rest.
  size_t kept = 0, kept_sorted = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (now_ns - slots[i].updated_ns > staleness_ns) continue;
    if (kept != i) slots[kept] = std::move(slots[i]);
    if (i < host.sorted) kept_sorted++;
    kept++;
  }
  const bool dropped = kept != slots.size();
  if (!dropped && host.sorted == slots.size()) return;
  stored_series_ -= slots.size() - kept;
  slots.resize(kept);
  if (kept_sorted < kept) {
    auto middle = slots.begin() + static_cast<std::ptrdiff_t>(kept_sorted);
    std::sort(middle, slots.end(), SlotLess);
    std::inplace_merge(slots.begin(), middle, slots.end(), SlotLess);
  }
  host.sorted = slots.size();
  // Re-indexed in place, never reallocated: this runs on a scraping thread, and a new table would
  // come from that thread's malloc arena while the old one went back to the arena of the ingest
  // thread that made it, so a scrape that sorted in new series left about one table per host
  // behind (+35 MB of RSS for 2,000 hosts of 520 series at the first scrape, with a hash map).
  host.index.Rebuild(slots);
  host.layout++;
}

std::vector<std::shared_ptr<HostRecord>> HostStore::SnapshotHosts(absl::Time now) {
  std::vector<std::shared_ptr<HostRecord>> hosts;
  {
    absl::MutexLock lock(&mu_);
    ExpireHostsLocked(now);
    hosts.reserve(hosts_.size());
    for (const auto& [name, record] : hosts_) hosts.push_back(record);
  }
  std::sort(hosts.begin(), hosts.end(),
            [](const auto& a, const auto& b) { return a->instance < b->instance; });
  return hosts;
}

namespace {

// The exposition's output piece. Lines are copied in at a cursor: std::string's append checks
// capacity and moves the size at every call, a sixth of a scrape's time with eight appends per
// line, and resizing it to write in place would zero the piece first. It grows when a host's run
// of one family does not fit: the run is written under the host's lock, where nothing may wait
// for the client.
class Piece {
 public:
  explicit Piece(size_t capacity) : buf_(new char[capacity]), capacity_(capacity) {}
  size_t size() const { return size_; }
  absl::string_view view() const { return {buf_.get(), size_}; }
  void clear() { size_ = 0; }
  // Room for `n` more bytes.
  void Reserve(size_t n) {
    if (capacity_ - size_ >= n) return;
    const size_t capacity = std::max(2 * capacity_, size_ + n);
    std::unique_ptr<char[]> grown(new char[capacity]);
    std::memcpy(grown.get(), buf_.get(), size_);
    buf_ = std::move(grown);
    capacity_ = capacity;
  }
  // After Reserve.
  void Put(absl::string_view text) {
    std::memcpy(buf_.get() + size_, text.data(), text.size());
    size_ += text.size();
  }
  void Put(char c) { buf_[size_++] = c; }
  void PutDouble(double value) {
    size_ = static_cast<size_t>(common::WriteDouble(buf_.get() + size_, value) - buf_.get());
  }

 private:
  std::unique_ptr<char[]> buf_;
  size_t capacity_;
  size_t size_ = 0;
};

// Whether a series label has the name of one of its host's labels. The masks rule out almost
// every series at once; a mask hit is confirmed by comparing names, since a false hit would send
// the line through the slow path (name bits are hashed with a per-process seed, so one run in
// ten had two of the loadgen's five names collide and scraped five times slower).
bool SharesLabelName(const SeriesDesc& d, const HostRecord& host) {
  if ((d.label_mask & host.label_mask) == 0) return false;
  for (const auto& [k, v] : d.labels) {
    for (const auto& hl : host.labels) {
      if (hl.first == k) return true;
    }
  }
  return false;
}

// Writes one sample line: the series' labels, then its host's (which win over a series label of
// the same name, should the host's labels have changed since the series was defined).
void PutSample(const Slot& slot, const HostRecord& host, Piece* piece) {
  const SeriesDesc& d = *slot.desc;
  const std::string& name = d.name->name;
  if (SharesLabelName(d, host)) {
    std::vector<common::LabelRef> series_labels, host_labels;
    for (const auto& [k, v] : host.labels) host_labels.push_back({k, v});
    for (const auto& [k, v] : d.labels) {
      bool shadowed = std::any_of(host.labels.begin(), host.labels.end(),
                                  [&key = k](const auto& hl) { return hl.first == key; });
      if (!shadowed) series_labels.push_back({k, v});
    }
    std::string line;
    common::ExpositionWriter(&line).Sample(name, series_labels, host_labels, slot.value);
    piece->Reserve(line.size());
    piece->Put(line);
    return;
  }
  // name{series labels,host labels} value\n
  piece->Reserve(name.size() + d.label_text.size() + host.label_text.size() +
                 common::kMaxDoubleChars + 6);
  piece->Put(name);
  piece->Put('{');
  if (!d.label_text.empty()) {
    piece->Put(d.label_text);
    piece->Put(',');
  }
  piece->Put(host.label_text);
  piece->Put('}');
  piece->Put(' ');
  piece->PutDouble(slot.value);
  piece->Put('\n');
}

}  // namespace

bool HostStore::StreamExposition(const ExpositionSink& sink) {
  // One at a time: the merge below relies on hosts being re-sorted only by itself and TidyHost.
  absl::MutexLock exposition_lock(&exposition_mu_);
  const absl::Time now = clock_->Now();
  const int64_t now_ns = absl::ToUnixNanos(now);
  std::vector<std::shared_ptr<HostRecord>> hosts = SnapshotHosts(now);
  for (const auto& h : hosts) {
    absl::MutexLock host_lock(&h->mu);
    TidyHost(*h, now);
  }
  // Every family name, sorted: the output order. A host's sorted series form one run per name in
  // the same order, so the merge below visits each run once: bucket r holds the hosts whose next
  // run is of name r.
  std::vector<Ref<FamilyName>> names = interner_->Names();
  std::sort(names.begin(), names.end(),
            [](const auto& a, const auto& b) { return a->name < b->name; });
  absl::flat_hash_map<const FamilyName*, uint32_t> rank;
  rank.reserve(names.size());
  for (size_t r = 0; r < names.size(); ++r) rank[names[r].get()] = static_cast<uint32_t>(r);
  struct Cursor {
    size_t pos = 0;
    uint64_t layout = 0;
    const Slot* next = nullptr;  // where the host's next run starts, for prefetching only
  };
  std::vector<Cursor> cursors(hosts.size());
  std::vector<std::vector<uint32_t>> buckets(names.size());
  // Moves host i's cursor from `pos` to its next run of a name ranked after `after` (names that
  // appeared after the snapshot above wait for the next exposition) and files it in that bucket.
  auto advance = [&](uint32_t i, size_t pos, int64_t after) {
    const HostRecord& h = *hosts[i];
    for (; pos < h.sorted; ++pos) {
      auto it = rank.find(h.slots[pos].desc->name.get());
      if (it != rank.end() && static_cast<int64_t>(it->second) > after) {
        buckets[it->second].push_back(i);
        break;
      }
    }
    cursors[i] = Cursor{pos, h.layout, pos < h.slots.size() ? h.slots.data() + pos : nullptr};
  };
  for (uint32_t i = 0; i < hosts.size(); ++i) {
    absl::MutexLock host_lock(&hosts[i]->mu);
    advance(i, 0, -1);
  }

  Piece piece(kExpositionPieceBytes + 4096);
  std::string header;
  for (size_t r = 0; r < names.size(); ++r) {
    std::vector<uint32_t> bucket;
    bucket.swap(buckets[r]);  // frees the bucket's memory once done
    if (bucket.empty()) continue;
    if (!std::is_sorted(bucket.begin(), bucket.end())) std::sort(bucket.begin(), bucket.end());
    const FamilyName* name = names[r].get();
    bool header_done = false;
    for (size_t b = 0; b < bucket.size(); ++b) {
      const uint32_t i = bucket[b];
      // A family's runs are spread over every host's memory: ask for the next hosts' lock and
      // slots ahead, or each run starts with cache misses (a third of a scrape of 2,000 hosts).
      // Addresses only; nothing of another host is read without its lock.
      if (b + 2 < bucket.size()) __builtin_prefetch(&hosts[bucket[b + 2]]->mu, 1);
      if (b + 1 < bucket.size() && cursors[bucket[b + 1]].next != nullptr) {
        __builtin_prefetch(cursors[bucket[b + 1]].next);
      }
      {
        HostRecord& h = *hosts[i];
        absl::MutexLock host_lock(&h.mu);
        size_t pos = cursors[i].pos;
        if (cursors[i].layout != h.layout) {
          // Another reader re-sorted the host (or it is gone): find the run again.
          pos = static_cast<size_t>(
              std::lower_bound(
                  h.slots.begin(), h.slots.begin() + static_cast<ptrdiff_t>(h.sorted), name->name,
                  [](const Slot& s, const std::string& n) { return s.desc->name->name < n; }) -
              h.slots.begin());
        }
        const int64_t staleness_ns = absl::ToInt64Nanoseconds(h.staleness);
        for (; pos < h.sorted && h.slots[pos].desc->name.get() == name; ++pos) {
          const Slot& slot = h.slots[pos];
          if (now_ns - slot.updated_ns > staleness_ns) continue;
          if (!header_done) {
            header.clear();
            interner_->AppendFamilyHeader(*name, &header);
            piece.Reserve(header.size());
            piece.Put(header);
            header_done = true;
          }
          PutSample(slot, h, &piece);
        }
        advance(i, pos, static_cast<int64_t>(r));
      }
      // Outside the host's lock: the sink may wait for a slow client.
      if (piece.size() >= kExpositionPieceBytes) {
        if (!sink(piece.view())) return false;
        piece.clear();
      }
    }
  }
  return piece.size() == 0 || sink(piece.view());
}

void HostStore::WriteExposition(std::string* out) {
  StreamExposition([out](absl::string_view piece) {
    out->append(piece.data(), piece.size());
    return true;
  });
}

absl::Status HostStore::WriteHostExposition(absl::string_view instance, std::string* out) {
  absl::Time now = clock_->Now();
  std::shared_ptr<HostRecord> record;
  {
    absl::MutexLock lock(&mu_);
    ExpireHostsLocked(now);
    auto it = hosts_.find(instance);
    if (it == hosts_.end()) {
      if (gone_.contains(instance)) {
        return absl::UnavailableError(
            absl::StrCat("host \"", instance,
                         "\" is gone: no agent connected, nothing received for its "
                         "staleness period"));
      }
      return absl::NotFoundError(absl::StrCat("no host \"", instance, "\""));
    }
    record = it->second;
  }
  HostRecord& host = *record;
  absl::MutexLock host_lock(&host.mu);
  if (StateOf(host, now) != HostState::kConnected) {
    return absl::UnavailableError(
        absl::StrCat("host \"", instance, "\" is stale: ",
                     host.streams == 0 ? "no agent connected"
                                       : "its agent sent nothing for the staleness period"));
  }
  TidyHost(host, now);
  // The lines are written as for /metrics (one host: a few hundred lines, made whole).
  Piece piece(kExpositionPieceBytes);
  std::string header;
  const FamilyName* current = nullptr;
  for (const Slot& slot : host.slots) {
    if (slot.desc->name.get() != current) {
      current = slot.desc->name.get();
      header.clear();
      interner_->AppendFamilyHeader(*current, &header);
      piece.Reserve(header.size());
      piece.Put(header);
    }
    PutSample(slot, host, &piece);
  }
  out->append(piece.view().data(), piece.size());
  return absl::OkStatus();
}

std::vector<HostSummary> HostStore::Hosts() {
  absl::Time now = clock_->Now();
  const int64_t now_ns = absl::ToUnixNanos(now);
  // The agent exports it without labels.
  const Ref<FamilyName> spool = interner_->FindName("hostmon_agent_spool_pending_batches");
  std::vector<HostSummary> result;
  absl::MutexLock lock(&mu_);
  ExpireHostsLocked(now);
  result.reserve(hosts_.size() + gone_.size());
  for (const auto& [name, record] : hosts_) {
    const HostRecord& host = *record;
    absl::MutexLock host_lock(&record->mu);
    HostSummary h;
    h.instance = name;
    h.labels = host.labels;
    h.state = StateOf(host, now);
    h.last_seen = host.last_seen;
    h.last_batch = host.last_batch;
    h.agent_version = host.agent_version;
    if (spool) {
      for (const Slot& slot : host.slots) {
        if (slot.desc->name.get() == spool.get() && slot.desc->labels.empty() &&
            now_ns - slot.updated_ns <= absl::ToInt64Nanoseconds(host.staleness)) {
          h.spool_pending_batches = slot.value;
        }
      }
    }
    result.push_back(std::move(h));
  }
  for (const auto& [name, gone] : gone_) {
    HostSummary h;
    h.instance = name;
    h.labels = gone.labels;
    h.state = HostState::kGone;
    h.last_seen = gone.last_seen;
    h.last_batch = gone.last_batch;
    h.agent_version = gone.agent_version;
    result.push_back(std::move(h));
  }
  std::sort(result.begin(), result.end(),
            [](const HostSummary& a, const HostSummary& b) { return a.instance < b.instance; });
  return result;
}

void HostStore::ExpireHosts() {
  absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  ExpireHostsLocked(now);
}

size_t HostStore::connected_streams() const {
  absl::MutexLock lock(&mu_);
  return streams_;
}

size_t HostStore::host_count() const {
  absl::MutexLock lock(&mu_);
  return hosts_.size();
}

size_t HostStore::stored_series() const { return stored_series_.load(std::memory_order_relaxed); }

size_t HostStore::defined_series() const { return defined_series_.load(std::memory_order_relaxed); }

void HostStore::ForgetClientHostLocked(const std::string& client) {
  auto it = client_hosts_.find(client);
  if (it != client_hosts_.end() && --it->second == 0) client_hosts_.erase(it);
}

}  // namespace hostmon::collector
