// SPDX-License-Identifier: Apache-2.0
#include "agent/transport/ingest_client.h"

#include <atomic>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "grpcpp/grpcpp.h"
#include "hostmon/ingest/v1/ingest.grpc.pb.h"

namespace hostmon::agent {

namespace pb = ::hostmon::ingest::v1;
namespace log = ::hostmon::common::log;

class StreamReactor;

class IngestClient::Impl {
 public:
  Impl(IngestClientOptions options, SeriesTable* table, BatchQueue* queue)
      : options_(std::move(options)), table_(table), queue_(queue) {}

  absl::Status Start();
  void Notify();
  void Stop(absl::Duration grace);
  Stats stats() const {
    absl::MutexLock lock(&mu_);
    return stats_;
  }

  // Called by the reactor.
  void OnStreamDone(const grpc::Status& status, bool healthy);
  void OnAck() {
    absl::MutexLock lock(&mu_);
    if (!stats_.connected) {
      log::Info("connected to collector", log::Kv("collector", options_.target));
    }
    stats_.connected = true;
  }

  const IngestClientOptions& options() const { return options_; }
  SeriesTable* table() const { return table_; }
  BatchQueue* queue() const { return queue_; }

 private:
  void Run();

  const IngestClientOptions options_;
  SeriesTable* const table_;
  BatchQueue* const queue_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::Ingest::Stub> stub_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  StreamReactor* active_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool stream_done_ ABSL_GUARDED_BY(mu_) = false;
  bool last_healthy_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status last_status_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration grace_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

// One stream's lifetime. Reactions may run concurrently on gRPC threads, so state is guarded.
class StreamReactor : public grpc::ClientBidiReactor<pb::AgentMessage, pb::CollectorMessage> {
 public:
  StreamReactor(IngestClient::Impl* owner, pb::Ingest::Stub* stub) : owner_(owner) {
    ctx_.AddMetadata("x-hostmon-host", owner->options().host_name);
    stub->async()->Stream(&ctx_, this);
  }

  void Start() {
    absl::MutexLock lock(&mu_);
    pb::Hello* hello = out_.mutable_hello();
    const IngestClientOptions& o = owner_->options();
    hello->set_host_name(o.host_name);
    hello->set_agent_version(HOSTMON_VERSION);
    for (const auto& [k, v] : o.static_labels) {
      pb::Label* l = hello->add_static_labels();
      l->set_name(k);
      l->set_value(v);
    }
    hello->set_epoch(o.epoch);
    hello->set_collection_interval_ms(
        static_cast<uint32_t>(absl::ToInt64Milliseconds(o.collection_interval)));
    hello->add_features("v1");
    StartRead(&in_);
    writing_ = true;
    StartWrite(&out_);
    StartCall();
  }

  void MaybeWrite() {
    absl::MutexLock lock(&mu_);
    MaybeWriteLocked();
  }

  void Drain() {
    absl::MutexLock lock(&mu_);
    draining_ = true;
    MaybeWriteLocked();
  }

  void Cancel() { ctx_.TryCancel(); }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      broken_ = true;  // the read side fails too; OnDone follows
      return;
    }
    MaybeWriteLocked();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    switch (in_.kind_case()) {
      case pb::CollectorMessage::kAck: {
        const auto& seqs = in_.ack().sequences();
        owner_->queue()->Ack(absl::MakeConstSpan(seqs.data(), seqs.size()));
        healthy_.store(true);
        owner_->OnAck();
        break;
      }
      case pb::CollectorMessage::kRejection:
        log::Error("collector rejected a batch; it will not be re-sent",
                   log::Kv("sequence", static_cast<int64_t>(in_.rejection().sequence())) +
                       log::Kv("reason", in_.rejection().reason()));
        owner_->queue()->Reject(in_.rejection().sequence());
        break;
      case pb::CollectorMessage::kDrain:
        log::Info("collector asked agents to reconnect", log::Kv("reason", in_.drain().reason()));
        break;
      default:
        break;  // newer collector: unknown messages are ignored
    }
    StartRead(&in_);
    // An ack may have freed nothing to write, but a drain may now be able to finish.
    absl::MutexLock lock(&mu_);
    MaybeWriteLocked();
  }

  void OnDone(const grpc::Status& status) override {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    owner_->OnStreamDone(status, healthy_.load());
  }

 private:
  void MaybeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || writes_done_ || done_ || broken_) return;
    std::shared_ptr<const CollectedBatch> batch = owner_->queue()->NextUnsent();
    if (batch != nullptr) {
      Encode(*batch);
      writing_ = true;
      StartWrite(&out_);
      return;
    }
    if (!draining_) return;
    if (!goodbye_sent_) {
      out_.Clear();
      out_.mutable_goodbye()->set_reason("shutdown");
      goodbye_sent_ = true;
      writing_ = true;
      StartWrite(&out_);
      return;
    }
    writes_done_ = true;
    StartWritesDone();
  }

  // Refs are defined on first use per stream; the agent-wide refs double as stream refs.
  void Encode(const CollectedBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    out_.Clear();
    pb::Batch* b = out_.mutable_batch();
    b->set_sequence(batch.sequence);
    b->set_timestamp_ms(batch.timestamp_ms);
    SeriesTable* table = owner_->table();
    for (uint32_t ref : batch.refs) {
      if (ref >= series_defined_.size()) series_defined_.resize(ref + 1, false);
      if (series_defined_[ref]) continue;
      series_defined_[ref] = true;
      table->WithSeriesAndFamily(ref, [&](const SeriesTable::Series& s,
                                          const SeriesTable::Family& f) {
        if (s.family >= family_defined_.size()) family_defined_.resize(s.family + 1, false);
        if (!family_defined_[s.family]) {
          family_defined_[s.family] = true;
          pb::FamilyDef* fd = b->add_family_defs();
          fd->set_ref(s.family);
          fd->set_name(f.name);
          fd->set_type(f.type);
          fd->set_help(f.help);
        }
        pb::SeriesDef* sd = b->add_series_defs();
        sd->set_ref(ref);
        sd->set_family_ref(s.family);
        for (const auto& [k, v] : s.labels) {
          pb::Label* l = sd->add_labels();
          l->set_name(k);
          l->set_value(v);
        }
      });
    }
    b->mutable_series_refs()->Add(batch.refs.begin(), batch.refs.end());
    b->mutable_values()->Add(batch.values.begin(), batch.values.end());
  }

  IngestClient::Impl* const owner_;
  grpc::ClientContext ctx_;
  pb::CollectorMessage in_;
  std::atomic<bool> healthy_{false};

  absl::Mutex mu_;
  pb::AgentMessage out_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool goodbye_sent_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<bool> series_defined_ ABSL_GUARDED_BY(mu_);
  std::vector<bool> family_defined_ ABSL_GUARDED_BY(mu_);
};

absl::Status IngestClient::Impl::Start() {
  auto creds = common::MakeChannelCredentials(options_.tls, options_.target);
  if (!creds.ok()) return creds.status();
  grpc::ChannelArguments args;
  // Detect a dead collector (e.g. a host that vanished without a FIN) within ~40 s.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Our own backoff decides when to retry; gRPC's channel backoff should not add minutes to it.
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
  channel_ = grpc::CreateCustomChannel(options_.target, *creds, args);
  stub_ = pb::Ingest::NewStub(channel_);
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void IngestClient::Impl::Notify() {
  absl::MutexLock lock(&mu_);
  if (active_ != nullptr && !stream_done_) active_->MaybeWrite();
}

void IngestClient::Impl::OnStreamDone(const grpc::Status& status, bool healthy) {
  absl::MutexLock lock(&mu_);
  stream_done_ = true;
  last_status_ = status;
  last_healthy_ = healthy;
}

void IngestClient::Impl::Run() {
  std::mt19937_64 rng(options_.epoch ^ static_cast<uint64_t>(absl::ToUnixNanos(absl::Now())));
  int failures = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      stream_done_ = false;
    }
    queue_->ResetSent();
    auto* reactor = new StreamReactor(this, stub_.get());
    reactor->Start();
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      active_ = reactor;
      auto done_or_stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stream_done_ || stopping_;
      };
      mu_.Await(absl::Condition(&done_or_stop));
      stopping = stopping_ && !stream_done_;
    }
    if (stopping) {
      reactor->Drain();
      absl::MutexLock lock(&mu_);
      auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stream_done_; };
      if (!mu_.AwaitWithTimeout(absl::Condition(&done), grace_)) {
        log::Warn("collector did not acknowledge in time; cancelling the stream",
                  log::Kv("collector", options_.target));
        mu_.Unlock();
        reactor->Cancel();
        mu_.Lock();
        mu_.Await(absl::Condition(&done));
      }
    }
    grpc::Status status;
    bool healthy;
    {
      absl::MutexLock lock(&mu_);
      active_ = nullptr;
      status = last_status_;
      healthy = last_healthy_;
      stats_.connected = false;
      if (stopping_) {
        delete reactor;
        break;
      }
      stats_.stream_failures++;
    }
    delete reactor;
    failures = healthy ? 1 : failures + 1;
    // Exponential backoff with +-20% jitter, so a fleet does not reconnect in lockstep.
    double base = absl::ToDoubleSeconds(options_.initial_backoff) * std::pow(2.0, failures - 1);
    base = std::min(base, absl::ToDoubleSeconds(options_.max_backoff));
    double jitter = std::uniform_real_distribution<double>(0.8, 1.2)(rng);
    absl::Duration delay = absl::Seconds(base * jitter);
    log::Warn(healthy ? "collector stream ended; reconnecting" : "collector unreachable; retrying",
              log::Kv("collector", options_.target) +
                  log::Kv("code", static_cast<int64_t>(status.error_code())) +
                  log::Kv("err", status.error_message()) + log::Kv("attempt", failures) +
                  log::Kv("retry_in", absl::FormatDuration(delay)) +
                  log::Kv("backoff", "exponential+jitter"));
    absl::MutexLock lock(&mu_);
    auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stop), delay)) break;
  }
}

void IngestClient::Impl::Stop(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    grace_ = grace;
  }
  if (thread_.joinable()) thread_.join();
}

IngestClient::IngestClient(IngestClientOptions options, SeriesTable* table, BatchQueue* queue)
    : impl_(std::make_unique<Impl>(std::move(options), table, queue)) {}
IngestClient::~IngestClient() { Stop(absl::ZeroDuration()); }
absl::Status IngestClient::Start() { return impl_->Start(); }
void IngestClient::Notify() { impl_->Notify(); }
void IngestClient::Stop(absl::Duration grace) { impl_->Stop(grace); }
IngestClient::Stats IngestClient::stats() const { return impl_->stats(); }

}  // namespace hostmon::agent
