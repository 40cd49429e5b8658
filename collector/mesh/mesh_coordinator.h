// SPDX-License-Identifier: Apache-2.0
//
// The collector's side of the latency mesh (docs/mesh.md):
//  - membership: agents whose Hello announced a responder address join when their stream
//    attaches and leave when it ends; every change (and every rotation_interval, for fleets
//    larger than max_peers_per_agent + 1) recomputes the plans (mesh_plan.h) and sends each agent
//    whose plan changed a MeshPlan on its stream;
//  - the matrix: the agents' hostmon_mesh_* counters, kept for `window`, give per link the
//    median, the 99th percentile and the loss ratio (/api/v1/mesh);
//  - the verdicts: it stands between the host store and the rule engine and adds to each host's
//    batch two derived gauges that a per-host rule cannot compute: the share of the host's peers
//    that are slow from it (hostmon_mesh_slow_peers_ratio: "this host's network is bad") and the
//    share of its probers that see it slow (hostmon_mesh_slow_probers_ratio: "this peer is bad").
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "collector/batch_observer.h"
#include "collector/mesh/mesh_plan.h"
#include "common/clock.h"
#include "hostmon/ingest/v1/ingest.pb.h"

namespace hostmon::collector {

// Median, 99th percentile (seconds; NaN without successful probes in the window) and loss of
// one link over the window.
struct MeshLinkStats {
  std::string link_class;
  double p50 = 0;
  double p99 = 0;
  double loss = 0;  // NaN without probes in the window
  double probes = 0;
};

// The quantile q of a cumulative histogram (upper bounds ascending, +Inf last), interpolated
// linearly within the bucket as PromQL's histogram_quantile does; NaN for an empty histogram.
double MeshHistogramQuantile(double q, const std::vector<double>& bounds,
                             const std::vector<double>& cumulative);

class MeshCoordinator : public BatchObserver {
 public:
  using PlanSink = std::function<void(const ::hostmon::ingest::v1::MeshPlan&)>;

  // `next` receives every batch (with the derived gauges added) and every event.
  MeshCoordinator(MeshConfig config, BatchObserver* next,
                  const common::Clock* clock = &common::RealClock::Get());
  ~MeshCoordinator() override;

  // Starts the rotation timer.
  void Start();
  void Stop();

  // A stream of `host` with a responder at `address` attached. `sink` gets this stream's plans
  // (at once, and on every change) until Leave(returned id); it must not call back into the
  // coordinator. A later Join of the same host replaces the earlier stream.
  uint64_t Join(const std::string& host, const LabelPairs& host_labels, const std::string& address,
                PlanSink sink);
  void Leave(uint64_t id);

  void OnBatch(const AppliedBatch& batch) override;
  void OnDuplicate(absl::string_view host, uint64_t epoch, uint64_t sequence,
                   const AckHoldPtr& hold) override;
  void OnHostEvent(absl::string_view host, const LabelPairs& host_labels, HostEvent event,
                   absl::Time when) override;

  // GET /api/v1/mesh: the members, the plan version and the matrix (docs/mesh.md).
  int ServeMesh(std::string* body, std::string* content_type) const;

  // The link's figures over the window; false when it has no data.
  bool LinkStats(const std::string& source, const std::string& peer, MeshLinkStats* out) const;

 private:
  struct Member {
    uint64_t id = 0;
    MeshMember member;
    PlanSink sink;
    std::vector<PlannedPeer> sent;
    bool has_sent = false;
  };
  struct Snapshot {
    int64_t ts_ms = 0;
    std::vector<double> bounds;      // le, ascending, +Inf last
    std::vector<double> cumulative;  // per bound
    double probes = 0;
    double failures = 0;
  };
  struct Link {
    std::string link_class;
    std::deque<Snapshot> snaps;  // oldest first, within the window of the newest
  };

  void ReplanLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool LinkStatsLocked(const Link& link, MeshLinkStats* out) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool SlowLocked(const MeshLinkStats& s) const;
  void RotateLoop();

  const MeshConfig config_;
  BatchObserver* const next_;
  const common::Clock* const clock_;
  std::thread rotator_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t seed_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, Member> members_ ABSL_GUARDED_BY(mu_);  // by host
  // source host -> peer host -> link
  std::map<std::string, std::map<std::string, Link>> links_ ABSL_GUARDED_BY(mu_);
  // The last derived gauges per host, for /api/v1/mesh.
  std::map<std::string, std::pair<double, double>> verdicts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hostmon::collector
