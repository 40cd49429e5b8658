// SPDX-License-Identifier: Apache-2.0
//
// The agent's part of the peer latency mesh (docs/mesh.md): a responder that peers dial, and a
// prober that dials the peers of the collector's current plan. Both run on their own threads, so
// a dead or slow peer costs the prober one deadline and never delays a collection; the collection
// thread only copies the counters (Contributor::WriteTo).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/contributor.h"
#include "common/net/tcp_connect.h"

namespace hostmon::agent {

// One peer of a plan, as the collector sent it.
struct MeshPeer {
  std::string name;     // the peer's host name: the `peer` label
  std::string address;  // "host:port" of its responder
  std::string klass;    // the `class` label: intra_dc, regional, global
};

struct MeshPlan {
  uint64_t version = 0;
  std::vector<MeshPeer> peers;
};

struct MeshOptions {
  std::string listen_address;    // "host:port" of the responder; port 0 picks one
  std::string announce_address;  // what peers dial; empty: the bound listen address
  absl::Duration interval = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(1);
  // Responder limits: at most this many accepted connections per second (excess ones wait in a
  // small listen backlog; beyond it the kernel drops them), so the port cannot cost the host
  // more than a bounded trickle of work.
  int max_accepts_per_second = 200;
  // Plans larger than this are cut (a collector's bug must not make the agent dial thousands).
  int max_peers = 512;
  // Probing threads; a round's peers are shared among them.
  int workers = 8;
};

// Splits a responder listen address like net::SplitHostPort, but also accepts port 0 (the
// kernel picks one; the bound address is then announced).
absl::Status SplitMeshListenAddress(const std::string& address, std::string* host,
                                    std::string* port);

// Upper bounds of the RTT histogram's buckets, in seconds: 100 µs .. 1 s.
const std::vector<double>& MeshRttBuckets();

class MeshAgent : public Contributor {
 public:
  // Binds the responder's socket (errors name the address); nothing runs yet.
  static absl::StatusOr<std::unique_ptr<MeshAgent>> Create(MeshOptions options);
  ~MeshAgent() override;
  MeshAgent(const MeshAgent&) = delete;
  MeshAgent& operator=(const MeshAgent&) = delete;

  // Starts the responder and the prober threads.
  void Start();
  void Stop();

  // The address announced to the collector (Hello.mesh_address).
  const std::string& announce_address() const { return announce_; }

  // A new plan from the collector (any thread). Counters of peers that left the plan are
  // dropped; those of peers that stay are kept.
  void SetPlan(MeshPlan plan);

  // hostmon_mesh_rtt_seconds{peer,class} (histogram), hostmon_mesh_probes_total,
  // hostmon_mesh_probe_failures_total, hostmon_mesh_peers, hostmon_mesh_plan_version,
  // hostmon_mesh_responder_accepts_total.
  void WriteTo(SampleWriter& out) override;

  // One round of probes now, on the calling thread's workers (tests).
  void ProbeRound();

 private:
  struct PeerStats {
    std::string klass;
    std::vector<uint64_t> buckets;  // cumulative counts per MeshRttBuckets() bound
    uint64_t count = 0;
    double sum = 0;
    uint64_t probes = 0;
    uint64_t failures = 0;
    std::string last_error;
  };

  explicit MeshAgent(MeshOptions options) : options_(std::move(options)) {}
  void Respond();
  void ProbeLoop();
  // One probe: connect, then wait for the responder's close. Returns the round trip.
  absl::StatusOr<absl::Duration> ProbeOne(const MeshPeer& peer);
  void Record(const MeshPeer& peer, const absl::StatusOr<absl::Duration>& rtt);

  const MeshOptions options_;
  net::UniqueFd listener_;
  std::string announce_;
  std::thread responder_;
  std::thread prober_;
  int wake_pipe_[2] = {-1, -1};  // wakes the responder's poll at Stop

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  MeshPlan plan_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, PeerStats> stats_ ABSL_GUARDED_BY(mu_);  // by peer name
  uint64_t accepts_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hostmon::agent
