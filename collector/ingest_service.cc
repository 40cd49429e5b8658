// SPDX-License-Identifier: Apache-2.0
#include "collector/ingest_service.h"

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
      registry_(std::move(r)),
      rejected_(prometheus::BuildCounter()
                    .Name("hostmon_collector_rejected_messages_total")
                    .Help("Messages rejected as invalid, by reason.")
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
  for (const char* reason : {"invalid_hello", "invalid_batch", "protocol"}) {
    rejected_.Add({{"reason", reason}});
  }
  for (const char* reason : {"identity", "invalid_hello", "protocol"}) {
    rejected_streams_.Add({{"reason", reason}});
  }
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
        cert_(service->identity() != nullptr ? PeerCertificateOf(*ctx->auth_context())
                                             : PeerCertificate{}),
        service_(service),
        store_(store),
        metrics_(metrics),
        flow_(flow),
        mesh_(mesh),
        link_(std::make_shared<ReactorLink>(this)) {
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

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The agent half-closed (after a goodbye) or the stream broke.
      absl::MutexLock lock(&mu_);
      read_closed_ = true;
      MaybeFinishLocked();
      return;
    }
    grpc::Status fatal = Handle();
    absl::MutexLock lock(&mu_);
    if (!fatal.ok()) {
      finish_status_ = fatal;
      read_closed_ = true;  // stop reading; finish once pending writes are out
      MaybeFinishLocked();
      return;
    }
    MaybeWriteLocked();
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
        absl::Status s = store_->Attach(in_.hello(), &state_);
        if (!s.ok()) return Reject("invalid_hello", std::string(s.message()));
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
          metrics_->RejectedMessages("invalid_batch").Increment();
          log::Warn("batch rejected",
                    log::Kv("host", state_.host) +
                        log::Kv("sequence", static_cast<int64_t>(in_.batch().sequence())) +
                        log::Kv("err", result.status().message()));
          absl::MutexLock lock(&mu_);
          pb::Rejection r;
          r.set_sequence(in_.batch().sequence());
          r.set_reason(std::string(result.status().message()));
          rejections_.push_back(std::move(r));
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

  grpc::Status Reject(const char* reason, const std::string& message) {
    metrics_->RejectedMessages(reason).Increment();
    metrics_->RejectedStreams(reason).Increment();
    log::Warn("agent stream rejected",
              log::Kv("peer", peer_) + log::Kv("reason", reason) + log::Kv("err", message));
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
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
