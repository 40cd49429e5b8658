// SPDX-License-Identifier: Apache-2.0
//
// Owns the agent's connection to the collector: one gRPC bidirectional stream at a time (the
// synchronous API: a connection thread writes, one write in flight, and a reader thread blocks in
// Read for acknowledgements), re-established after failures with exponential backoff and jitter,
// so a fleet does not reconnect in lockstep after a collector restart.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "agent/contributor.h"
#include "agent/mesh/mesh_agent.h"
#include "agent/series_table.h"
#include "agent/spool/spool.h"
#include "agent/transport/batch_queue.h"
#include "common/grpc_tls.h"

namespace hostmon::agent {

struct IngestClientOptions {
  std::string target;  // collector address, e.g. "127.0.0.1:9710"; used when targets is empty
  // Collector addresses in order of preference. A failed stream (connect failure, broken stream)
  // fails over to the next address; the client stays on an address while it works.
  std::vector<std::string> targets;
  common::TlsFiles tls;
  std::string host_name;
  std::map<std::string, std::string> static_labels;
  absl::Duration collection_interval = absl::Seconds(15);
  uint64_t epoch = 1;
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  // Optional on-disk spool (not owned). With a spool, every new stream first sends live batches
  // and replays the spool's backlog behind them, `replayed`, at most replay_rate batches/s.
  Spool* spool = nullptr;
  double replay_rate = 20;
  // The latency mesh: the responder address announced in the Hello (empty: the agent takes no
  // part), and who receives the collector's probe plans (called on the stream's reader thread).
  std::string mesh_address;
  std::function<void(MeshPlan)> on_mesh_plan;
};

// Encodes `batch` as a self-contained Batch message: every family and series it uses is defined in
// it, so it can be replayed on any later stream, also after an agent restart (the spool payload).
std::string EncodeSelfContainedBatch(const SeriesTable& table, const CollectedBatch& batch);

// The same, for every cycle: the wire bytes of each family and series definition are built once
// per ref and cached (definitions never change once interned), and protobuf's rule that repeated
// fields may arrive in pieces lets the cached bytes be concatenated in front of the samples. Not
// thread-safe; one per collection loop.
class SelfContainedEncoder {
 public:
  explicit SelfContainedEncoder(const SeriesTable* table) : table_(table) {}
  void Encode(const CollectedBatch& batch, std::string* out);

 private:
  const SeriesTable* table_;
  std::vector<std::string> family_bytes_;  // by family ref; empty: not built yet
  std::vector<std::string> series_bytes_;  // by series ref
  std::vector<uint32_t> series_family_;
  std::vector<uint32_t> family_mark_;  // per call: family already emitted in this batch
  uint32_t call_ = 0;
};

// Settings of the gRPC library that it reads from the environment once, at its first use; the
// program (AgentMain) calls this first, before any thread exists (setenv is not thread-safe). It
// turns off the polling thread of gRPC's default EventEngine (Debian 12's gRPC 1.51: experiment
// posix_event_engine_enable_polling), which serves only EventEngine endpoints the agent does not
// use: the channel's I/O runs on the iomgr poller, in the thread that waits for the stream's next
// message. One idle thread less. A GRPC_EXPERIMENTS the operator set is left as it is.
void ConfigureGrpcLibrary();

class IngestClient : public Contributor {
 public:
  struct Stats {
    bool connected = false;
    uint64_t stream_failures = 0;
    uint64_t replayed_batches = 0;
    uint64_t replayed_samples = 0;
    uint64_t failovers = 0;      // switches to another collector address
    size_t collector_index = 0;  // index in targets of the current/last collector
  };

  IngestClient(IngestClientOptions options, SeriesTable* table, BatchQueue* queue);
  ~IngestClient() override;

  // Builds credentials (errors for unreadable TLS files or plaintext to a remote address) and
  // starts the connection thread.
  absl::Status Start();
  // A batch was queued: write it now if the stream is idle.
  void Notify();
  // Sends what is queued, says Goodbye, half-closes and waits up to `grace` for the collector's
  // acknowledgements; cancels the stream after that.
  void Stop(absl::Duration grace);
  Stats stats() const;
  // hostmon_agent_collector_connected and hostmon_agent_stream_failures_total; with a spool, its
  // replay counters (hostmon_agent_spool_replayed_*); with several collector addresses,
  // hostmon_agent_collector_failovers_total.
  void WriteTo(SampleWriter& out) override;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hostmon::agent
