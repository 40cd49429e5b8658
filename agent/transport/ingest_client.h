// SPDX-License-Identifier: Apache-2.0
//
// Owns the agent's connection to the collector: one gRPC bidirectional stream at a time (callback
// API, no blocking in reactions, one write in flight), re-established after failures with
// exponential backoff and jitter, so a fleet does not reconnect in lockstep after a collector
// restart.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "agent/series_table.h"
#include "agent/transport/batch_queue.h"
#include "common/grpc_tls.h"

namespace hostmon::agent {

struct IngestClientOptions {
  std::string target;  // collector address, e.g. "127.0.0.1:9710"
  common::TlsFiles tls;
  std::string host_name;
  std::map<std::string, std::string> static_labels;
  absl::Duration collection_interval = absl::Seconds(15);
  uint64_t epoch = 1;
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
};

class IngestClient {
 public:
  struct Stats {
    bool connected = false;
    uint64_t stream_failures = 0;
  };

  IngestClient(IngestClientOptions options, SeriesTable* table, BatchQueue* queue);
  ~IngestClient();

  // Builds credentials (errors for unreadable TLS files or plaintext to a remote address) and
  // starts the connection thread.
  absl::Status Start();
  // A batch was queued: write it now if the stream is idle.
  void Notify();
  // Sends what is queued, says Goodbye, half-closes and waits up to `grace` for the collector's
  // acknowledgements; cancels the stream after that.
  void Stop(absl::Duration grace);
  Stats stats() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hostmon::agent
