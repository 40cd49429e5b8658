// SPDX-License-Identifier: Apache-2.0
//
// The collector's side of hostmon.ingest.v1.Ingest/Stream: one callback-API reactor per agent
// stream. Reactions only validate, apply to the HostStore (CPU only, no I/O) and queue acks; one
// write is in flight at a time and acks queued meanwhile are coalesced into the next write.
// A batch is acknowledged when every observer that kept its AckHold released it (remote_write:
// once its samples are delivered), so an ack may go out long after the batch was applied, from
// another thread, and out of order.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "collector/host_store.h"
#include "collector/identity.h"
#include "collector/ingest_flow_control.h"
#include "collector/ingest_options.h"
#include "collector/mesh/mesh_coordinator.h"
#include "hostmon/ingest/v1/ingest.grpc.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace hostmon::collector {

// hostmon_collector_* self metrics.
class CollectorMetrics {
 public:
  CollectorMetrics();
  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> registry_ptr() { return registry_; }

  prometheus::Gauge& connected_agents;
  prometheus::Gauge& hosts;
  prometheus::Counter& streams_opened;
  prometheus::Counter& batches_received;
  prometheus::Counter& samples_received;
  prometheus::Counter& duplicate_batches;
  prometheus::Counter& clean_disconnects;
  prometheus::Counter& lost_streams;
  prometheus::Gauge& streams_without_hello;  // open streams that have not sent their Hello yet
  prometheus::Gauge& stored_series;
  prometheus::Gauge& defined_series;
  prometheus::Counter& throttled_seconds;  // time streams waited for their rate budget
  prometheus::Counter& RejectedMessages(const std::string& reason) {
    return rejected_.Add({{"reason", reason}});
  }
  // hostmon_collector_limit{name}: the configured limits, so that usage can be compared with them.
  void ExportLimits(const HostStoreOptions& hosts, const IngestOptions& ingest);
  // Streams the collector ended because of what the agent sent (identity, invalid_hello,
  // protocol); the message that caused it counts in RejectedMessages too.
  prometheus::Counter& RejectedStreams(const std::string& reason) {
    return rejected_streams_.Add({{"reason", reason}});
  }

 private:
  CollectorMetrics(std::shared_ptr<prometheus::Registry> r);
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Gauge>& limits_;
  prometheus::Family<prometheus::Counter>& rejected_streams_;
};

class IngestReactor;

class IngestService final : public ::hostmon::ingest::v1::Ingest::CallbackService {
 public:
  // `flow` (optional) pauses reading from agent streams while outputs are full.
  // `mesh` (optional) gets the agents that announce a mesh responder and sends them plans.
  IngestService(HostStore* store, CollectorMetrics* metrics, IngestFlowControl* flow = nullptr,
                MeshCoordinator* mesh = nullptr, IngestOptions options = {});
  ~IngestService() override;

  grpc::ServerBidiReactor<::hostmon::ingest::v1::AgentMessage,
                          ::hostmon::ingest::v1::CollectorMessage>*
  Stream(grpc::CallbackServerContext* context) override;

  // Tells every connected agent to go away (Drain message, then the stream ends UNAVAILABLE), so
  // that a collector restart is a quick, logged reconnect rather than a cut connection.
  void DrainAll(const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);

  // With mTLS, binds the host name of each Hello to the client certificate; set before serving.
  // Null (or no client certificate): host names are trusted as claimed.
  void set_identity(const IdentityPolicy* identity) { identity_ = identity; }
  const IdentityPolicy* identity() const { return identity_; }

  // Called by reactors.
  void Register(IngestReactor* r) ABSL_LOCKS_EXCLUDED(mu_);
  void Unregister(IngestReactor* r) ABSL_LOCKS_EXCLUDED(mu_);
  // Drains the stream attached with StreamState::id `stream_id`, if it is still open.
  void DrainStream(uint64_t stream_id, const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);
  // Calls `resume` after `delay` on the service's timer thread (a rate-limited stream).
  void ResumeAfter(absl::Duration delay, std::function<void()> resume) ABSL_LOCKS_EXCLUDED(mu_);
  const IngestOptions& options() const { return options_; }

 private:
  // The timer thread: closes streams without a Hello past hello_timeout, runs due resumptions.
  void TimerLoop() ABSL_LOCKS_EXCLUDED(mu_);

  HostStore* store_;
  CollectorMetrics* metrics_;
  IngestFlowControl* flow_;
  MeshCoordinator* mesh_;
  const IngestOptions options_;
  const IdentityPolicy* identity_ = nullptr;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool timer_added_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::pair<absl::Time, std::function<void()>>> timers_ ABSL_GUARDED_BY(mu_);
  std::thread timer_thread_;
  absl::flat_hash_set<IngestReactor*> live_ ABSL_GUARDED_BY(mu_);
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  std::string drain_reason_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hostmon::collector
