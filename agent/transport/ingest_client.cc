// SPDX-License-Identifier: Apache-2.0
//
// The agent is a single-stream client, so it uses gRPC's synchronous API: the connection thread
// writes, a reader thread blocks in Read, and both drive the stream's I/O themselves. The callback
// API would add gRPC's own polling threads, which wake several times a second even when idle
// (measured: ~0.2 ms of CPU per second; README, Benchmarks).
#include "agent/transport/ingest_client.h"

#include <stdlib.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/backoff.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "grpcpp/grpcpp.h"
#include "hostmon/ingest/v1/ingest.grpc.pb.h"

namespace hostmon::agent {

namespace pb = ::hostmon::ingest::v1;
namespace log = ::hostmon::common::log;

namespace {

constexpr MetricDesc kConnected{"hostmon_agent_collector_connected", kGauge,
                                "1 while a stream to the collector is established."};
constexpr MetricDesc kFailures{"hostmon_agent_stream_failures_total", kCounter,
                               "Collector streams that failed or ended unexpectedly."};
constexpr MetricDesc kSpoolReplayed{
    "hostmon_agent_spool_replayed_batches_total", kCounter,
    "Backlog batches re-sent from the spool (replayed=true) after a reconnect or restart."};
constexpr MetricDesc kSpoolReplayedSamples{"hostmon_agent_spool_replayed_samples_total", kCounter,
                                           "Samples in backlog batches re-sent from the spool."};
constexpr MetricDesc kFailovers{"hostmon_agent_collector_failovers_total", kCounter,
                                "Switches to the next collector address after a failed stream."};

// The collector accepts a series' labels only sorted by name (common::ValidateSeriesLabels: one
// label set is one series); sources emit them in their own order, which --once keeps.
void AddSortedLabels(const std::vector<std::pair<std::string, std::string>>& labels,
                     pb::SeriesDef* sd) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(labels.size());
  for (const auto& l : labels) sorted.push_back(&l);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a < *b; });
  for (const auto* kv : sorted) {
    pb::Label* l = sd->add_labels();
    l->set_name(kv->first);
    l->set_value(kv->second);
  }
}

// Refs are defined on first use per stream; the agent-wide refs double as stream refs.
void EncodeInto(const SeriesTable& table, const CollectedBatch& batch,
                std::vector<bool>* series_defined, std::vector<bool>* family_defined,
                pb::Batch* b) {
  b->set_sequence(batch.sequence);
  b->set_timestamp_ms(batch.timestamp_ms);
  for (uint32_t ref : batch.refs) {
    if (ref >= series_defined->size()) series_defined->resize(ref + 1, false);
    if ((*series_defined)[ref]) continue;
    (*series_defined)[ref] = true;
    table.WithSeriesAndFamily(ref, [&](const SeriesTable::Series& s, const SeriesTable::Family& f) {
      if (s.family >= family_defined->size()) family_defined->resize(s.family + 1, false);
      if (!(*family_defined)[s.family]) {
        (*family_defined)[s.family] = true;
        pb::FamilyDef* fd = b->add_family_defs();
        fd->set_ref(s.family);
        fd->set_name(f.name);
        fd->set_type(f.type);
        fd->set_help(f.help);
      }
      pb::SeriesDef* sd = b->add_series_defs();
      sd->set_ref(ref);
      sd->set_family_ref(s.family);
      AddSortedLabels(s.labels, sd);
    });
  }
  b->mutable_series_refs()->Add(batch.refs.begin(), batch.refs.end());
  b->mutable_values()->Add(batch.values.begin(), batch.values.end());
}

}  // namespace

std::string EncodeSelfContainedBatch(const SeriesTable& table, const CollectedBatch& batch) {
  std::vector<bool> series_defined, family_defined;
  pb::Batch b;
  EncodeInto(table, batch, &series_defined, &family_defined, &b);
  return b.SerializeAsString();
}

void SelfContainedEncoder::Encode(const CollectedBatch& batch, std::string* out) {
  out->clear();
  ++call_;
  std::string series_part;
  for (uint32_t ref : batch.refs) {
    if (ref >= series_bytes_.size()) {
      series_bytes_.resize(ref + 1);
      series_family_.resize(ref + 1, 0);
    }
    if (series_bytes_[ref].empty()) {
      table_->WithSeriesAndFamily(ref,
                                  [&](const SeriesTable::Series& s, const SeriesTable::Family& f) {
                                    pb::Batch one;
                                    pb::SeriesDef* sd = one.add_series_defs();
                                    sd->set_ref(ref);
                                    sd->set_family_ref(s.family);
                                    AddSortedLabels(s.labels, sd);
                                    series_bytes_[ref] = one.SerializeAsString();
                                    series_family_[ref] = s.family;
                                    if (s.family >= family_bytes_.size())
                                      family_bytes_.resize(s.family + 1);
                                    if (family_bytes_[s.family].empty()) {
                                      pb::Batch fam;
                                      pb::FamilyDef* fd = fam.add_family_defs();
                                      fd->set_ref(s.family);
                                      fd->set_name(f.name);
                                      fd->set_type(f.type);
                                      fd->set_help(f.help);
                                      family_bytes_[s.family] = fam.SerializeAsString();
                                    }
                                  });
    }
    uint32_t fam = series_family_[ref];
    if (fam >= family_mark_.size()) family_mark_.resize(fam + 1, 0);
    if (family_mark_[fam] != call_) {
      family_mark_[fam] = call_;
      out->append(family_bytes_[fam]);
    }
    series_part.append(series_bytes_[ref]);
  }
  out->append(series_part);
  pb::Batch rest;
  rest.set_sequence(batch.sequence);
  rest.set_timestamp_ms(batch.timestamp_ms);
  rest.mutable_series_refs()->Add(batch.refs.begin(), batch.refs.end());
  rest.mutable_values()->Add(batch.values.begin(), batch.values.end());
  rest.AppendToString(out);
}

class IngestClient::Impl {
 public:
  Impl(IngestClientOptions options, SeriesTable* table, BatchQueue* queue)
      : options_(std::move(options)), table_(table), queue_(queue) {
    if (options_.targets.empty()) options_.targets.push_back(options_.target);
  }

  absl::Status Start();
  void Notify() {
    absl::MutexLock lock(&mu_);
    wake_ = true;
  }
  void Stop(absl::Duration grace);
  Stats stats() const {
    absl::MutexLock lock(&mu_);
    return stats_;
  }
  bool has_spool() const { return options_.spool != nullptr; }
  size_t target_count() const { return options_.targets.size(); }

 private:
  // Runs one stream until it fails or the agent stops; returns the stream's final status and
  // whether the collector acknowledged anything on it.
  grpc::Status RunStream(bool* healthy);
  void ReadLoop(grpc::ClientReaderWriter<pb::AgentMessage, pb::CollectorMessage>* stream,
                bool* healthy);
  void MakeHello(pb::AgentMessage* msg) const;
  // Refs are defined on first use per stream; the agent-wide refs double as stream refs.
  void Encode(const CollectedBatch& batch, std::vector<bool>* series_defined,
              std::vector<bool>* family_defined, pb::AgentMessage* msg) const;
  // Next backlog record from the spool as a replayed batch, if the replay rate allows one now;
  // *wait_until tells when the next token is due while a backlog remains.
  bool NextReplay(pb::AgentMessage* msg, absl::Time* wait_until);
  void Run();
  const std::string& target() const { return options_.targets[current_]; }

  IngestClientOptions options_;
  SeriesTable* const table_;
  BatchQueue* const queue_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<pb::Ingest::Stub>> stubs_;
  size_t current_ = 0;  // index in options_.targets; only the connection thread changes it
  std::thread thread_;
  // Backlog replay state of the current stream (connection thread only).
  bool backlog_ = false;
  uint64_t backlog_after_ = 0;  // last replayed sequence
  uint64_t backlog_upto_ = 0;   // batches up to here are backlog; later ones are live
  double replay_tokens_ = 0;
  absl::Time replay_refill_;

  mutable absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;  // a batch was queued
  bool reader_done_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool run_done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* active_ctx_ ABSL_GUARDED_BY(mu_) = nullptr;
  absl::Duration grace_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

absl::Status IngestClient::Impl::Start() {
  for (const std::string& target : options_.targets) {
    auto creds = common::MakeChannelCredentials(options_.tls, target);
    if (!creds.ok()) return creds.status();
    grpc::ChannelArguments args;
    // Detect a dead collector (e.g. a host that vanished without a FIN) within ~40 s.
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    // Our own backoff decides when to retry; gRPC's channel backoff should not add to it.
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                static_cast<int>(absl::ToInt64Milliseconds(options_.max_backoff)));
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 500);
    // Footprint: BDP probing sends a PING per data burst and keeps timer threads busy, for a
    // bandwidth estimate this trickle of small batches does not need; channelz bookkeeping and the
    // full filter stack are likewise unused. Measured with tests/bench/footprint.py.
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    args.SetInt(GRPC_ARG_MINIMAL_STACK, 1);
    args.SetInt(GRPC_ARG_ENABLE_CHANNELZ, 0);
    args.SetUserAgentPrefix(absl::StrCat("hostmon-agent/", HOSTMON_VERSION));
    if (!options_.tls.server_name.empty()) {
      args.SetSslTargetNameOverride(options_.tls.server_name);
    }
    channels_.push_back(grpc::CreateCustomChannel(target, *creds, args));
    stubs_.push_back(pb::Ingest::NewStub(channels_.back()));
  }
  thread_ = std::thread([this] {
    common::SetThreadName("hm-send");
    Run();
  });
  return absl::OkStatus();
}

void IngestClient::Impl::MakeHello(pb::AgentMessage* msg) const {
  pb::Hello* hello = msg->mutable_hello();
  hello->set_host_name(options_.host_name);
  hello->set_agent_version(HOSTMON_VERSION);
  for (const auto& [k, v] : options_.static_labels) {
    pb::Label* l = hello->add_static_labels();
    l->set_name(k);
    l->set_value(v);
  }
  hello->set_epoch(options_.epoch);
  hello->set_collection_interval_ms(
      static_cast<uint32_t>(absl::ToInt64Milliseconds(options_.collection_interval)));
  hello->add_features("v1");
  if (!options_.mesh_address.empty()) hello->set_mesh_address(options_.mesh_address);
}

void IngestClient::Impl::Encode(const CollectedBatch& batch, std::vector<bool>* series_defined,
                                std::vector<bool>* family_defined, pb::AgentMessage* msg) const {
  msg->Clear();
  EncodeInto(*table_, batch, series_defined, family_defined, msg->mutable_batch());
}

bool IngestClient::Impl::NextReplay(pb::AgentMessage* msg, absl::Time* wait_until) {
  if (!backlog_) return false;
  absl::Time now = absl::Now();
  const double burst = std::max(1.0, options_.replay_rate);
  replay_tokens_ = std::min(
      burst, replay_tokens_ + absl::ToDoubleSeconds(now - replay_refill_) * options_.replay_rate);
  replay_refill_ = now;
  if (replay_tokens_ < 1) {
    *wait_until = now + absl::Seconds((1 - replay_tokens_) / options_.replay_rate);
    return false;
  }
  SpoolRecord rec;
  while (options_.spool->NextPending(backlog_after_, backlog_upto_, &rec)) {
    backlog_after_ = rec.sequence;
    msg->Clear();
    if (!msg->mutable_batch()->ParseFromString(rec.payload) ||
        msg->batch().sequence() != rec.sequence) {
      log::Warn("spool: record does not hold a valid batch; skipping it",
                log::Kv("sequence", static_cast<int64_t>(rec.sequence)));
      uint64_t seq = rec.sequence;
      options_.spool->Ack(absl::MakeConstSpan(&seq, 1));
      continue;
    }
    msg->mutable_batch()->set_replayed(true);
    replay_tokens_ -= 1;
    absl::MutexLock lock(&mu_);
    stats_.replayed_batches++;
    stats_.replayed_samples += rec.samples;
    return true;
  }
  backlog_ = false;
  log::Info("spool backlog replayed", log::Kv("collector", target()));
  return false;
}

void IngestClient::Impl::ReadLoop(
    grpc::ClientReaderWriter<pb::AgentMessage, pb::CollectorMessage>* stream, bool* healthy) {
  pb::CollectorMessage in;
  while (stream->Read(&in)) {
    switch (in.kind_case()) {
      case pb::CollectorMessage::kAck: {
        const auto& seqs = in.ack().sequences();
        queue_->Ack(absl::MakeConstSpan(seqs.data(), seqs.size()));
        if (options_.spool != nullptr) {
          options_.spool->Ack(absl::MakeConstSpan(seqs.data(), seqs.size()));
        }
        absl::MutexLock lock(&mu_);
        if (!stats_.connected) {
          log::Info("connected to collector", log::Kv("collector", target()));
        }
        stats_.connected = true;
        *healthy = true;
        // No wakeup of the connection thread: sending never waits for acks (there is no
        // in-flight window), and a drain ends when the collector ends the stream (reader_done_).
        // A wakeup per cycle is measurable at a 1 s interval (tests/bench/floor.py).
        break;
      }
      case pb::CollectorMessage::kRejection:
        log::Error("collector rejected a batch; it will not be re-sent",
                   log::Kv("sequence", static_cast<int64_t>(in.rejection().sequence())) +
                       log::Kv("reason", in.rejection().reason()));
        queue_->Reject(in.rejection().sequence());
        if (options_.spool != nullptr) {
          uint64_t seq = in.rejection().sequence();
          options_.spool->Ack(absl::MakeConstSpan(&seq, 1));
        }
        break;
      case pb::CollectorMessage::kDrain:
        log::Info("collector asked agents to reconnect", log::Kv("reason", in.drain().reason()));
        break;
      case pb::CollectorMessage::kMeshPlan: {
        // Plans go to agents that announced a responder; one without a prober ignores them.
        if (!options_.on_mesh_plan) break;
        MeshPlan plan;
        plan.version = in.mesh_plan().version();
        for (const pb::MeshPeer& p : in.mesh_plan().peers()) {
          plan.peers.push_back({p.host_name(), p.address(), p.link_class()});
        }
        options_.on_mesh_plan(std::move(plan));
        break;
      }
      default:
        break;  // newer collector: unknown messages are ignored
    }
  }
  absl::MutexLock lock(&mu_);
  reader_done_ = true;
}

grpc::Status IngestClient::Impl::RunStream(bool* healthy) {
  grpc::ClientContext ctx;
  {
    absl::MutexLock lock(&mu_);
    reader_done_ = false;
    wake_ = true;
    active_ctx_ = &ctx;
  }
  queue_->ResetSent();
  if (options_.spool != nullptr) {
    // Newest first: what was collected before this stream is backlog, replayed from the spool
    // behind the live batches; only batches collected from now on go out at once.
    queue_->ReleaseSpooled();
    backlog_upto_ = options_.spool->last_sequence();
    backlog_after_ = 0;
    backlog_ = true;
    replay_tokens_ = 0;
    replay_refill_ = absl::Now();
  }
  // Our backoff (with jitter) decides when to try. gRPC's subchannel keeps its own reconnect
  // backoff: without this reset an attempt made while that one still runs fails at once with the
  // stale "connection refused", and the agent waited up to twice max_backoff after a collector
  // came back (seen in fault.collector_outage_remote_write).
  grpc::experimental::ChannelResetConnectionBackoff(channels_[current_].get());
  std::unique_ptr<grpc::ClientReaderWriter<pb::AgentMessage, pb::CollectorMessage>> stream =
      stubs_[current_]->Stream(&ctx);
  pb::AgentMessage msg;
  MakeHello(&msg);
  bool write_ok = stream->Write(msg);
  // Read and Write may run concurrently on one stream (one of each at a time).
  std::thread reader([&] {
    common::SetThreadName("hm-recv");
    ReadLoop(stream.get(), healthy);
  });
  std::vector<bool> series_defined, family_defined;
  bool goodbye_sent = false;
  bool cancelled = false;
  absl::Time drain_deadline = absl::InfiniteFuture();
  absl::Time replay_at = absl::InfiniteFuture();
  while (write_ok) {
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      // Once the goodbye is out, only the stream's end (or the drain's deadline) is awaited.
      auto ready = [this, &goodbye_sent]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return wake_ || reader_done_ || (stopping_ && !goodbye_sent);
      };
      mu_.AwaitWithDeadline(absl::Condition(&ready), std::min(drain_deadline, replay_at));
      wake_ = false;
      if (reader_done_) break;
      stopping = stopping_;
      if (stopping && drain_deadline == absl::InfiniteFuture()) {
        drain_deadline = absl::Now() + grace_;
      }
    }
    if (stopping && absl::Now() >= drain_deadline) {
      log::Warn("collector did not acknowledge in time; cancelling the stream",
                log::Kv("collector", target()));
      ctx.TryCancel();
      cancelled = true;
      break;
    }
    // Send everything queued, oldest first.
    while (write_ok) {
      bool spooled = false;
      std::shared_ptr<const CollectedBatch> batch = queue_->NextUnsent(&spooled);
      if (batch == nullptr) break;
      if (spooled && options_.spool != nullptr && !options_.spool->MarkSent(batch->sequence)) {
        // The spool's cap dropped this batch while it waited here and counted it as dropped;
        // sending it now would deliver a batch the counters call lost.
        queue_->Discard(batch->sequence);
        continue;
      }
      Encode(*batch, &series_defined, &family_defined, &msg);
      write_ok = stream->Write(msg);
    }
    // Then the backlog, rate-limited, while the agent is not stopping (the spool keeps it).
    replay_at = absl::InfiniteFuture();
    while (write_ok && !stopping && NextReplay(&msg, &replay_at)) {
      write_ok = stream->Write(msg);
      // The replayed batch defined its own (older) refs on the stream; live batches define
      // those refs again before using them. The collector resolves a series' family when the
      // series is defined, so redefining exactly these refs is enough.
      for (const pb::SeriesDef& d : msg.batch().series_defs()) {
        if (d.ref() < series_defined.size()) series_defined[d.ref()] = false;
      }
      for (const pb::FamilyDef& d : msg.batch().family_defs()) {
        if (d.ref() < family_defined.size()) family_defined[d.ref()] = false;
      }
      if (queue_->HasUnsent()) break;  // live data first
    }
    if (write_ok && stopping && !goodbye_sent) {
      // Everything is sent: say goodbye and half-close; the collector acks what it got and
      // ends the stream, which ends the reader.
      msg.Clear();
      msg.mutable_goodbye()->set_reason("shutdown");
      write_ok = stream->Write(msg) && stream->WritesDone();
      goodbye_sent = true;
    }
  }
  if (!cancelled) {
    // A failed write means the stream is broken; make sure the reader returns promptly.
    absl::MutexLock lock(&mu_);
    auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return reader_done_; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(5))) {
      mu_.Unlock();
      ctx.TryCancel();
      mu_.Lock();
    }
  }
  reader.join();
  grpc::Status status = stream->Finish();
  // No acknowledgement can arrive any more: what the spool's cap dropped while it was in flight
  // on this stream is lost now (and counted); what is still spooled is replayed on the next one.
  if (options_.spool != nullptr) options_.spool->StreamEnded();
  absl::MutexLock lock(&mu_);
  active_ctx_ = nullptr;
  return status;
}

void IngestClient::Impl::Run() {
  std::mt19937_64 rng(options_.epoch ^ static_cast<uint64_t>(absl::ToUnixNanos(absl::Now())));
  int failures = 0;
  while (true) {
    bool healthy = false;
    grpc::Status status = RunStream(&healthy);
    absl::MutexLock lock(&mu_);
    stats_.connected = false;
    if (stopping_) break;
    stats_.stream_failures++;
    failures = healthy ? 1 : failures + 1;
    // Exponential backoff with +-20% jitter, so a fleet does not reconnect in lockstep. With
    // several collectors the exponent grows per round over the list, so a healthy alternative is
    // tried after the initial backoff.
    const int n = static_cast<int>(options_.targets.size());
    const std::string failed = target();
    if (n > 1) {
      current_ = (current_ + 1) % options_.targets.size();
      stats_.failovers++;
      stats_.collector_index = current_;
    }
    const absl::Duration delay =
        common::Jitter(common::ExponentialBackoff((failures - 1) / n + 1, options_.initial_backoff,
                                                  options_.max_backoff),
                       0.8, 1.2, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
    log::Warn(healthy ? "collector stream ended; reconnecting" : "collector unreachable; retrying",
              log::Kv("collector", failed) +
                  (n > 1 ? log::Kv("next_collector", target()) : std::string()) +
                  log::Kv("code", static_cast<int64_t>(status.error_code())) +
                  log::Kv("err", status.error_message()) + log::Kv("attempt", failures) +
                  log::Kv("retry_in", absl::FormatDuration(delay)) +
                  log::Kv("backoff", "exponential+jitter"));
    auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stop), delay)) break;
  }
  absl::MutexLock lock(&mu_);
  run_done_ = true;
}

void IngestClient::Impl::Stop(absl::Duration grace) {
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    grace_ = grace;
    // A Write blocked on a collector that stopped reading would hold the drain forever; after
    // the grace period (plus a margin for the drain's own cancel) the stream is cancelled.
    auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return run_done_; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&done), grace + absl::Seconds(1)) &&
        active_ctx_ != nullptr) {
      log::Warn("stream still busy at shutdown; cancelling", log::Kv("collector", target()));
      active_ctx_->TryCancel();
    }
  }
  thread_.join();
}

IngestClient::IngestClient(IngestClientOptions options, SeriesTable* table, BatchQueue* queue)
    : impl_(std::make_unique<Impl>(std::move(options), table, queue)) {}
IngestClient::~IngestClient() { Stop(absl::ZeroDuration()); }
absl::Status IngestClient::Start() { return impl_->Start(); }
void IngestClient::Notify() { impl_->Notify(); }
void IngestClient::Stop(absl::Duration grace) { impl_->Stop(grace); }
IngestClient::Stats IngestClient::stats() const { return impl_->stats(); }

void IngestClient::WriteTo(SampleWriter& w) {
  Stats c = stats();
  if (impl_->has_spool()) {
    w.Add(kSpoolReplayed, {}, static_cast<double>(c.replayed_batches));
    w.Add(kSpoolReplayedSamples, {}, static_cast<double>(c.replayed_samples));
  }
  if (impl_->target_count() > 1) w.Add(kFailovers, {}, static_cast<double>(c.failovers));
  w.Add(kConnected, {}, c.connected ? 1 : 0);
  w.Add(kFailures, {}, static_cast<double>(c.stream_failures));
}

void ConfigureGrpcLibrary() {
  // overwrite = 0: an operator's GRPC_EXPERIMENTS (e.g. to debug gRPC) wins.
  ::setenv("GRPC_EXPERIMENTS", "-posix_event_engine_enable_polling", 0);
}

}  // namespace hostmon::agent
