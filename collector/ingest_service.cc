// SPDX-License-Identifier: Apache-2.0
#include "collector/ingest_service.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/build_info.h"
#include "common/log.h"

namespace hostmon::collector {

namespace pb = ::hostmon::ingest::v1;
namespace log = ::hostmon::common::log;

CollectorMetrics::CollectorMetrics() : CollectorMetrics(std::make_shared<prometheus::Registry>()) {}

CollectorMetrics::CollectorMetrics(std::shared_ptr<prometheus::Registry> r)
    : connected_agents(prometheus::BuildGauge()
                           .Name("hostmon_collector_connected_agents")
                           .Help("Agent streams currently open.")
                           .Register(*r)
                           .Add({})),
      hosts(prometheus::BuildGauge()
                .Name("hostmon_collector_hosts")
                .Help("Hosts whose series are currently exported.")
                .Register(*r)
                .Add({})),
      streams_opened(prometheus::BuildCounter()
                         .Name("hostmon_collector_streams_opened_total")
                         .Help("Agent streams accepted (valid hello).")
                         .Register(*r)
                         .Add({})),
      batches_received(prometheus::BuildCounter()
                           .Name("hostmon_collector_batches_received_total")
                           .Help("Batches received and applied (duplicates excluded).")
                           .Register(*r)
                           .Add({})),
      samples_received(prometheus::BuildCounter()
                           .Name("hostmon_collector_samples_received_total")
                           .Help("Samples received in applied batches.")
                           .Register(*r)
                           .Add({})),
      duplicate_batches(prometheus::BuildCounter()
                            .Name("hostmon_collector_duplicate_batches_total")
                            .Help("Re-sent batches recognised by sequence number and not applied "
                                  "again.")
                            .Register(*r)
                            .Add({})),
      clean_disconnects(prometheus::BuildCounter()
                            .Name("hostmon_collector_clean_disconnects_total")
                            .Help("Agent streams that ended with a goodbye (deliberate stop).")
                            .Register(*r)
                            .Add({})),
      lost_streams(prometheus::BuildCounter()
                       .Name("hostmon_collector_lost_streams_total")
                       .Help("Agent streams that ended without a goodbye (crash, network).")
                       .Register(*r)
                       .Add({})),
      streams_without_hello(prometheus::BuildGauge()
                                .Name("hostmon_collector_streams_without_hello")
                                .Help("Agent streams open that have not sent their hello yet.")
                                .Register(*r)
                                .Add({})),
      stored_series(prometheus::BuildGauge()
                        .Name("hostmon_collector_series")
                        .Help("Series stored for all hosts (hosts.max_series_total bounds it).")
                        .Register(*r)
                        .Add({})),
      defined_series(prometheus::BuildGauge()
                         .Name("hostmon_collector_defined_series")
                         .Help("Series defined by all open agent streams "
                               "(hosts.max_series_total bounds it).")
                         .Register(*r)
                         .Add({})),
      throttled_seconds(prometheus::BuildCounter()
                            .Name("hostmon_collector_throttled_seconds_total")
                            .Help("Time agent streams were not read because they exceeded "
                                  "ingest.max_samples_per_second.")
                            .Register(*r)
                            .Add({})),
      registry_(std::move(r)),
      rejected_(prometheus::BuildCounter()
                    .Name("hostmon_collector_rejected_messages_total")
                    .Help("Messages rejected as invalid or over a limit, by reason.")
                    .Register(*registry_)),
      limits_(prometheus::BuildGauge()
                  .Name("hostmon_collector_limit")
                  .Help("Configured limits by name (the config key); 0: unlimited.")
                  .Register(*registry_)),
      rejected_streams_(prometheus::BuildCounter()
                            .Name("hostmon_collector_rejected_streams_total")
                            .Help("Agent streams ended by the collector, by reason (identity: "
                                  "host name not allowed by the client certificate).")
                            .Register(*registry_)) {
  const common::BuildInfo& b = common::GetBuildInfo();
  prometheus::BuildGauge()
      .Name("hostmon_collector_build_info")
      .Help("Build information of the collector; value 1.")
      .Register(*registry_)
      .Add({{"version", b.version},
            {"revision", b.revision},
            {"branch", b.branch},
            {"compiler", b.compiler}})
      .Set(1);
  // Pre-create the reasons so they export as 0 before the first rejection.
  for (const char* reason :
       {"invalid_hello", "invalid_batch", "protocol", "hello_timeout", "host_limit", "series_limit",
        "timestamp_out_of_window", "superseded"}) {
    rejected_.Add({{"reason", reason}});
  }
  for (const char* reason : {"identity", "invalid_hello", "protocol"}) {
    rejected_streams_.Add({{"reason", reason}});
  }
}

void CollectorMetrics::ExportLimits(const HostStoreOptions& hosts, const IngestOptions& ingest) {
  const std::pair<const char*, double> limits[] = {
      {"hosts.max_series_per_host", static_cast<double>(hosts.max_series_per_host)},
      {"hosts.max_series_total", static_cast<double>(hosts.max_series_total)},
      {"hosts.max_hosts", static_cast<double>(hosts.max_hosts)},
      {"hosts.max_hosts_per_client", static_cast<double>(hosts.max_hosts_per_client)},
      {"ingest.max_timestamp_future_seconds", absl::ToDoubleSeconds(hosts.max_timestamp_future)},
      {"ingest.max_timestamp_age_seconds", absl::ToDoubleSeconds(hosts.max_timestamp_age)},
      {"ingest.hello_timeout_seconds", absl::ToDoubleSeconds(ingest.hello_timeout)},
      {"ingest.max_samples_per_second", ingest.max_samples_per_second},
  };
  for (const auto& [name, value] : limits) limits_.Add({{"name", name}}).Set(value);
}

// What outlives a reactor: acknowledgement holds kept by outputs and flow-control resumptions
// may fire after the stream ended; they reach the reactor only while it exists.
class ReactorLink {
 public:
  explicit ReactorLink(IngestReactor* r) : reactor_(r) {}
  void Ack(uint64_t sequence) ABSL_LOCKS_EXCLUDED(mu_);
  void Resume() ABSL_LOCKS_EXCLUDED(mu_);
  void Detach() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    reactor_ = nullptr;
  }

 private:
  absl::Mutex mu_;
  IngestReactor* reactor_ ABSL_GUARDED_BY(mu_);
};

// Acknowledges its batch when the last copy is released.
class SequenceAck : public AckHold {
 public:
  SequenceAck(std::shared_ptr<ReactorLink> link, uint64_t sequence)
      : link_(std::move(link)), sequence_(sequence) {}
  ~SequenceAck() override {
    if (!cancelled_) link_->Ack(sequence_);
  }
  // The batch was rejected: the agent gets a Rejection instead.
  void Cancel() { cancelled_ = true; }

 private:
  std::shared_ptr<ReactorLink> link_;
  uint64_t sequence_;
  bool cancelled_ = false;  // only set before any copy is handed out
};

class IngestReactor : public grpc::ServerBidiReactor<pb::AgentMessage, pb::CollectorMessage> {
 public:
  IngestReactor(grpc::CallbackServerContext* ctx, IngestService* service, HostStore* store,
                CollectorMetrics* metrics, IngestFlowControl* flow, MeshCoordinator* mesh)
      : peer_(ctx->peer()),
        client_(ClientIdentity(*ctx)),
        opened_(absl::Now()),
        cert_(service->identity() != nullptr ? PeerCertificateOf(*ctx->auth_context())
                                             : PeerCertificate{}),
        service_(service),
        store_(store),
        metrics_(metrics),
        flow_(flow),
        mesh_(mesh),
        link_(std::make_shared<ReactorLink>(this)) {
    metrics_->streams_without_hello.Increment();
    tokens_ = service_->options().max_samples_per_second;
    refilled_ = opened_;
    // Registered before any operation starts, so OnDone always finds it registered.
    service_->Register(this);
    StartRead(&in_);
  }

  // Sends a Drain message, then ends the stream with UNAVAILABLE.
  void Drain(const std::string& reason) {
    absl::MutexLock lock(&mu_);
    if (finished_ || drain_queued_) return;
    drain_queued_ = true;
    drain_reason_ = reason;
    read_closed_ = true;
    finish_status_ = grpc::Status(grpc::StatusCode::UNAVAILABLE, "collector " + reason);
    MaybeWriteLocked();
    MaybeFinishLocked();
  }

  // Called by the service's timer thread: ends a stream that sent no hello within `timeout`.
  void ExpireWithoutHello(absl::Time now, absl::Duration timeout) {
    if (hello_seen_.load() || now - opened_ <= timeout) return;
    absl::MutexLock lock(&mu_);
    if (finished_ || read_closed_) return;
    metrics_->RejectedMessages("hello_timeout").Increment();
    log::Warn("agent stream closed: no hello in time",
              log::Kv("peer", peer_) + log::Kv("timeout", absl::FormatDuration(timeout)));
    read_closed_ = true;
    finish_status_ = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                  "no hello within " + absl::FormatDuration(timeout));
    MaybeFinishLocked();
  }

  uint64_t stream_id() const { return stream_id_.load(); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The agent half-closed (after a goodbye) or the stream broke.
      absl::MutexLock lock(&mu_);
      read_closed_ = true;
      MaybeFinishLocked();
      return;
    }
    grpc::Status fatal = Handle();
    const absl::Duration throttle =
        in_.has_batch() && fatal.ok() ? Throttle() : absl::ZeroDuration();
    // A cleared protobuf message keeps its sub-messages for reuse, so the definitions batch that
    // opens a stream (hundreds of series with their labels) would stay allocated for the stream's
    // whole life: several times what the store keeps for those series. Start afresh after one,
    // and after the hello (its labels and names, for an agent that may stay idle for long).
    if (in_.has_hello() || (in_.has_batch() && (in_.batch().series_defs_size() > 0 ||
                                                in_.batch().family_defs_size() > 0))) {
      in_ = pb::AgentMessage();
    }
    absl::ReleasableMutexLock lock(&mu_);
    if (!fatal.ok()) {
      finish_status_ = fatal;
      read_closed_ = true;  // stop reading; finish once pending writes are out
      MaybeFinishLocked();
      return;
    }
    MaybeWriteLocked();
    if (read_closed_) {  // drained or expired meanwhile
      MaybeFinishLocked();
      return;
    }
    if (throttle > absl::ZeroDuration()) {
      // Over its rate: the next batch waits in the agent, as with full outputs. Scheduled after
      // unlocking (the service locks before reactors).
      paused_ = true;
      metrics_->throttled_seconds.Increment(absl::ToDoubleSeconds(throttle));
      std::shared_ptr<ReactorLink> link = link_;
      lock.Release();
      service_->ResumeAfter(throttle, [link] { link->Resume(); });
      return;
    }
    if (flow_ != nullptr) {
      std::shared_ptr<ReactorLink> link = link_;
      if (!flow_->ReadyOrNotify([link] { link->Resume(); })) {
        paused_ = true;  // the batch waits in the agent's spool, not in our memory
        return;
      }
    }
    StartRead(&in_);
  }

  // The outputs have room again.
  void Resume() {
    absl::MutexLock lock(&mu_);
    if (!paused_) return;
    paused_ = false;
    if (read_closed_ || finished_) return;
    StartRead(&in_);
  }

  // A held acknowledgement was released (possibly on an output's thread).
  void QueueAck(uint64_t sequence) {
    absl::MutexLock lock(&mu_);
    --held_acks_;
    if (finished_) return;
    pending_acks_.push_back(sequence);
    MaybeWriteLocked();
    MaybeFinishLocked();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      write_failed_ = true;
      MaybeFinishLocked();
      return;
    }
    MaybeWriteLocked();
    MaybeFinishLocked();
  }

  // A probe plan of the latency mesh; a newer one replaces one not yet written.
  void QueuePlan(const pb::MeshPlan& plan) {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    pending_plan_ = plan;
    plan_pending_ = true;
    MaybeWriteLocked();
  }

  void OnDone() override {
    if (!hello_seen_.load()) metrics_->streams_without_hello.Decrement();
    // First: the coordinator calls QueuePlan until Leave returns.
    if (mesh_member_ != 0) mesh_->Leave(mesh_member_);
    link_->Detach();
    service_->Unregister(this);
    bool drained;
    {
      absl::MutexLock lock(&mu_);
      drained = drain_sent_;
    }
    state_.drained = drained;
    store_->Detach(&state_);
    if (drained) {
      log::Info("agent stream closed for drain", log::Kv("host", state_.host));
    } else if (state_.goodbye) {
      metrics_->clean_disconnects.Increment();
      log::Info("agent disconnected cleanly", log::Kv("host", state_.host));
    } else if (!state_.host.empty()) {
      metrics_->lost_streams.Increment();
      log::Warn("agent stream lost", log::Kv("host", state_.host) + log::Kv("peer", peer_));
    }
    delete this;
  }

  void OnCancel() override {
    // A paused stream has no read that could fail and end it; a stream waiting for held acks
    // after the agent's goodbye stops waiting (the agent gave up: its grace period ended).
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    if (paused_) {
      paused_ = false;
      read_closed_ = true;
    }
    MaybeFinishLocked();
  }

 private:
  // Processes in_; returns a non-OK status when the stream must end.
  grpc::Status Handle() {
    switch (in_.kind_case()) {
      case pb::AgentMessage::kHello: {
        if (state_.attached) return Reject("protocol", "hello sent twice");
        if (const IdentityPolicy* identity = service_->identity(); identity != nullptr) {
          if (absl::Status s = identity->Authorize(cert_, in_.hello().host_name()); !s.ok()) {
            return RejectIdentity(s);
          }
        }
        state_.client = client_;
        absl::Status s = store_->Attach(in_.hello(), &state_);
        if (absl::IsResourceExhausted(s)) {
          return Reject("host_limit", std::string(s.message()),
                        grpc::StatusCode::RESOURCE_EXHAUSTED);
        }
        if (!s.ok()) return Reject("invalid_hello", std::string(s.message()));
        OnAttached();
        metrics_->streams_opened.Increment();
        log::Info("agent connected", log::Kv("host", state_.host) + log::Kv("peer", peer_) +
                                         log::Kv("agent_version", in_.hello().agent_version()));
        if (mesh_ != nullptr && !in_.hello().mesh_address().empty()) {
          mesh_member_ = mesh_->Join(state_.host, state_.host_labels, in_.hello().mesh_address(),
                                     [this](const pb::MeshPlan& plan) { QueuePlan(plan); });
        }
        return grpc::Status::OK;
      }
      case pb::AgentMessage::kBatch: {
        if (!state_.attached) return Reject("protocol", "first message must be a hello");
        // Our own reference goes at the end of this scope: if no observer kept a copy, the ack
        // is queued right here.
        auto hold = std::make_shared<SequenceAck>(link_, in_.batch().sequence());
        {
          absl::MutexLock lock(&mu_);
          ++held_acks_;
        }
        auto result = store_->Apply(in_.batch(), &state_, hold);
        if (!result.ok()) {
          hold->Cancel();
          {
            absl::MutexLock lock(&mu_);
            --held_acks_;
          }
          if (absl::IsAborted(result.status())) {
            // Superseded: neither applied nor acknowledged; the agent re-sends it on its next
            // stream. DrainStream normally closed this stream already; this covers the race.
            Drain(std::string(result.status().message()));
            return grpc::Status::OK;
          }
          const absl::StatusCode code = result.status().code();
          metrics_
              ->RejectedMessages(code == absl::StatusCode::kResourceExhausted ? "series_limit"
                                 : code == absl::StatusCode::kOutOfRange ? "timestamp_out_of_window"
                                                                         : "invalid_batch")
              .Increment();
          log::Warn("batch rejected",
                    log::Kv("host", state_.host) +
                        log::Kv("sequence", static_cast<int64_t>(in_.batch().sequence())) +
                        log::Kv("err", result.status().message()));
          absl::MutexLock lock(&mu_);
          pb::Rejection r;
          r.set_sequence(in_.batch().sequence());
          r.set_reason(std::string(result.status().message()));
          rejections_.push_back(std::move(r));
          if (code == absl::StatusCode::kResourceExhausted) {
            // The refused definitions are missing on this stream while the agent believes them
            // sent: end it after the Rejection, so the agent defines its series afresh.
            return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                std::string(result.status().message()));
          }
          return grpc::Status::OK;
        }
        if (result->duplicate) {
          metrics_->duplicate_batches.Increment();
        } else {
          metrics_->batches_received.Increment();
          metrics_->samples_received.Increment(static_cast<double>(result->samples));
        }
        return grpc::Status::OK;
      }
      case pb::AgentMessage::kGoodbye:
        state_.goodbye = true;
        return grpc::Status::OK;
      default:
        return Reject("protocol", "empty or unknown message kind");
    }
  }

  // The certificate does not allow the claimed host name: the stream ends PERMISSION_DENIED
  // with a message naming both, which the agent logs.
  grpc::Status RejectIdentity(const absl::Status& s) {
    metrics_->RejectedMessages("invalid_hello").Increment();
    metrics_->RejectedStreams("identity").Increment();
    log::Warn("agent stream rejected: host name not allowed by its client certificate",
              log::Kv("peer", peer_) + log::Kv("claimed_host", in_.hello().host_name()) +
                  log::Kv("certificate_names", absl::StrJoin(cert_.names, ",")) +
                  log::Kv("err", s.message()));
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, std::string(s.message()));
  }

  grpc::Status Reject(const char* reason, const std::string& message,
                      grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT) {
    metrics_->RejectedMessages(reason).Increment();
    metrics_->RejectedStreams(reason).Increment();
    log::Warn("agent stream rejected",
              log::Kv("peer", peer_) + log::Kv("reason", reason) + log::Kv("err", message));
    return grpc::Status(code, message);
  }

  // After a successful Attach: no longer a stream without hello; closes the stream it replaced.
  void OnAttached() {
    hello_seen_.store(true);
    metrics_->streams_without_hello.Decrement();
    stream_id_.store(state_.id);
    if (state_.superseded_stream != 0) {
      metrics_->RejectedMessages("superseded").Increment();
      service_->DrainStream(state_.superseded_stream,
                            absl::StrCat("superseded: a newer stream of host ", state_.host,
                                         " (client ", client_, ") replaced this one"));
    }
  }

  // Samples-per-second budget (token bucket holding one second's worth): how long to wait before
  // reading the next message. Read reactions only.
  absl::Duration Throttle() {
    const double rate = service_->options().max_samples_per_second;
    if (!(rate > 0)) return absl::ZeroDuration();
    absl::Time now = absl::Now();
    tokens_ = std::min(rate, tokens_ + absl::ToDoubleSeconds(now - refilled_) * rate);
    refilled_ = now;
    tokens_ -= std::max(1, in_.batch().values_size());
    if (tokens_ >= 0) return absl::ZeroDuration();
    return absl::Seconds(-tokens_ / rate);
  }

  // The peer as the per-client host limit counts it: the authenticated identity (certificate
  // SAN or CN) with mTLS, else the peer address without its port.
  static std::string ClientIdentity(const grpc::CallbackServerContext& ctx) {
    std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
    if (auth != nullptr && auth->IsPeerAuthenticated()) {
      std::vector<grpc::string_ref> ids = auth->GetPeerIdentity();
      if (!ids.empty()) return std::string(ids.front().data(), ids.front().size());
    }
    std::string peer = ctx.peer();  // "ipv4:127.0.0.1:5555", "ipv6:[::1]:5555", "unix:..."
    size_t colon = peer.rfind(':');
    if (colon != std::string::npos && colon > peer.find(':')) peer.resize(colon);
    return peer;
  }

  void MaybeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || finished_ || write_failed_) return;
    if (drain_queued_ && !drain_sent_) {
      out_.Clear();
      out_.mutable_drain()->set_reason(drain_reason_);
      drain_sent_ = true;
    } else if (!rejections_.empty()) {
      out_.Clear();
      *out_.mutable_rejection() = std::move(rejections_.front());
      rejections_.erase(rejections_.begin());
    } else if (!pending_acks_.empty()) {
      out_.Clear();
      out_.mutable_ack()->mutable_sequences()->Add(pending_acks_.begin(), pending_acks_.end());
      pending_acks_.clear();
    } else if (plan_pending_) {
      out_.Clear();
      *out_.mutable_mesh_plan() = std::move(pending_plan_);
      plan_pending_ = false;
    } else {
      return;
    }
    writing_ = true;
    StartWrite(&out_);
  }

  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || !read_closed_ || writing_) return;
    // After a goodbye, acknowledgements still held by outputs (remote write delivering) are worth
    // waiting for: the agent waits for them too, and cancels when its grace period ends.
    if (held_acks_ > 0 && !cancelled_ && !drain_queued_ && !write_failed_ && finish_status_.ok()) {
      return;
    }
    if (!write_failed_ &&
        (!pending_acks_.empty() || !rejections_.empty() || (drain_queued_ && !drain_sent_))) {
      MaybeWriteLocked();
      return;
    }
    finished_ = true;
    Finish(finish_status_);
  }

  const std::string peer_;
  const std::string client_;
  const absl::Time opened_;
  std::atomic<bool> hello_seen_{false};
  std::atomic<uint64_t> stream_id_{0};
  double tokens_ = 0;  // rate budget; read reactions only
  absl::Time refilled_;
  const PeerCertificate cert_;  // read only when the service binds identities
  IngestService* const service_;
  HostStore* const store_;
  CollectorMetrics* const metrics_;
  IngestFlowControl* const flow_;
  MeshCoordinator* const mesh_;
  uint64_t mesh_member_ = 0;  // 0: not a mesh member; read reactions and OnDone only
  const std::shared_ptr<ReactorLink> link_;
  pb::AgentMessage in_;  // only touched by read reactions, which never overlap
  StreamState state_;    // likewise

  absl::Mutex mu_;
  pb::CollectorMessage out_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> pending_acks_ ABSL_GUARDED_BY(mu_);
  std::vector<pb::Rejection> rejections_ ABSL_GUARDED_BY(mu_);
  pb::MeshPlan pending_plan_ ABSL_GUARDED_BY(mu_);
  bool plan_pending_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_) = grpc::Status::OK;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool read_closed_ ABSL_GUARDED_BY(mu_) = false;
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_queued_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_sent_ ABSL_GUARDED_BY(mu_) = false;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;  // not reading: outputs are full
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  int64_t held_acks_ ABSL_GUARDED_BY(mu_) = 0;  // batches applied, acknowledgement not yet queued
  std::string drain_reason_ ABSL_GUARDED_BY(mu_);
};

void ReactorLink::Ack(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  if (reactor_ != nullptr) reactor_->QueueAck(sequence);
}

void ReactorLink::Resume() {
  absl::MutexLock lock(&mu_);
  if (reactor_ != nullptr) reactor_->Resume();
}

IngestService::IngestService(HostStore* store, CollectorMetrics* metrics, IngestFlowControl* flow,
                             MeshCoordinator* mesh, IngestOptions options)
    : store_(store), metrics_(metrics), flow_(flow), mesh_(mesh), options_(options) {
  metrics_->ExportLimits(store_->options(), options_);
  timer_thread_ = std::thread([this] { TimerLoop(); });
}

IngestService::~IngestService() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  timer_thread_.join();
}

void IngestService::TimerLoop() {
  // Hello deadlines are checked a few times per timeout, at least every second.
  const absl::Duration tick =
      std::max(absl::Milliseconds(10), std::min(absl::Seconds(1), options_.hello_timeout / 4));
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    absl::Time now = absl::Now();
    absl::Time wake = now + tick;
    for (const auto& t : timers_) wake = std::min(wake, t.first);
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || timer_added_; };
    mu_.AwaitWithDeadline(absl::Condition(&woken), wake);
    if (stopping_) break;
    timer_added_ = false;
    now = absl::Now();
    std::vector<std::function<void()>> due;
    for (auto it = timers_.begin(); it != timers_.end();) {
      if (it->first <= now) {
        due.push_back(std::move(it->second));
        it = timers_.erase(it);
      } else {
        ++it;
      }
    }
    // Holding mu_ keeps every reactor alive (see DrainAll).
    if (options_.hello_timeout > absl::ZeroDuration()) {
      for (IngestReactor* r : live_) r->ExpireWithoutHello(now, options_.hello_timeout);
    }
    mu_.Unlock();
    for (auto& f : due) f();  // ReactorLink::Resume: safe after the reactor is gone
    mu_.Lock();
  }
}

void IngestService::ResumeAfter(absl::Duration delay, std::function<void()> resume) {
  absl::MutexLock lock(&mu_);
  timers_.emplace_back(absl::Now() + delay, std::move(resume));
  timer_added_ = true;
}

void IngestService::DrainStream(uint64_t stream_id, const std::string& reason) {
  absl::MutexLock lock(&mu_);
  for (IngestReactor* r : live_) {
    if (r->stream_id() == stream_id) r->Drain(reason);
  }
}

void IngestService::Register(IngestReactor* r) {
  absl::MutexLock lock(&mu_);
  live_.insert(r);
  if (draining_) r->Drain(drain_reason_);
}

void IngestService::Unregister(IngestReactor* r) {
  absl::MutexLock lock(&mu_);
  live_.erase(r);
}

void IngestService::DrainAll(const std::string& reason) {
  // Holding mu_ keeps every reactor alive: OnDone must unregister (under mu_) before deleting.
  absl::MutexLock lock(&mu_);
  draining_ = true;
  drain_reason_ = reason;
  for (IngestReactor* r : live_) r->Drain(reason);
}

grpc::ServerBidiReactor<pb::AgentMessage, pb::CollectorMessage>* IngestService::Stream(
    grpc::CallbackServerContext* context) {
  return new IngestReactor(context, this, store_, metrics_, flow_, mesh_);
}

}  // namespace hostmon::collector
