// SPDX-License-Identifier: Apache-2.0
//
// The running collector, built from its configuration: the host store, alerting (rules and
// Alertmanager push), remote write, the gRPC ingest server and the web server (/metrics,
// /-/healthy, /-/ready, /api/v1/alerts, /-/reload). The program's entry point
// (collector/collector_app.h) parses the configuration, starts this, and turns SIGHUP into
// ReloadRules and SIGTERM/SIGINT into Stop.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "collector/alerting/alerting_service.h"
#include "collector/alerting/rule_evaluator.h"
#include "collector/applied_log.h"
#include "collector/collector_config.h"
#include "collector/host_store.h"
#include "collector/identity.h"
#include "collector/ingest_service.h"
#include "collector/mesh/mesh_coordinator.h"
#include "collector/remote_write/output.h"
#include "collector/web_server.h"
#include "common/start_error.h"
#include "grpcpp/grpcpp.h"

namespace hostmon::collector {

// TCP read sizes of the gRPC server's agent connections (Collector::Start): a connection keeps
// about one read block between reads, so an idle agent costs the initial size and a busy one at
// most the cap.
inline constexpr int kGrpcReadChunkBytes = 1024;
inline constexpr int kGrpcMaxReadChunkBytes = 16 * 1024;

// gRPC 1.51 turns on its "tcp_read_chunks" experiment by default: every connection reads into
// 8 kB blocks, or 64 kB ones for a while after a large message, whatever the read sizes above,
// and keeps a block between reads, which is most of what a connected agent's transport costs
// beyond its call. The value GRPC_EXPERIMENTS should get to turn it off, given the variable's
// current value (null: unset) and grpc::Version(); nullopt to leave it as it is: when it is set
// (the operator decides) or for another gRPC release (whose experiments may differ).
std::optional<std::string> GrpcExperimentsOverride(const char* current,
                                                   absl::string_view grpc_version);
// Applies GrpcExperimentsOverride to this process. Call first in main(): gRPC reads the variable
// once, when it first checks an experiment.
void PrepareGrpcEnvironment();

// The ingest server's transport settings (message size, keepalive, read blocks, no BDP probing,
// no channelz): memory per connected agent and liveness. Shared with the fleet benchmark's
// transport floor (tests/bench/loadgen/null_collector.cc), which must pay what this server pays.
void ApplyIngestServerSettings(grpc::ServerBuilder* builder);

class Collector {
 public:
  // `config` must be valid (ValidateCollectorConfig). `applied_batches_file`: the
  // --debug.applied-batches-file test aid (empty: off).
  Collector(CollectorConfig config, std::string applied_batches_file);
  // Stops (Stop) a collector that started; one whose Start failed is only torn down.
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Loads the rules, then starts remote write, the gRPC server and the web server, and alerting,
  // logging each listening address. Returns why not if a part cannot start.
  std::optional<common::StartError> Start();

  // Re-reads the rule files; the reloader logs the outcome, and a broken file keeps the old
  // rules. `trigger` names the cause in that log line, e.g. "SIGHUP".
  void ReloadRules(absl::string_view trigger);

  // Advances while ingest and rule evaluation progress (the alerting ticks); for the systemd
  // watchdog.
  uint64_t Progress() const;

  // After a successful Start: tells the agents to go away, stops the gRPC server (2 s grace),
  // saves the alert state and stops remote write (5 s grace), in that order. Idempotent.
  void Stop();

 private:
  const CollectorConfig config_;
  const std::string applied_batches_file_;
  // In construction order; destroyed in reverse, so the servers go before what they use.
  CollectorMetrics metrics_;
  std::unique_ptr<HostStore> store_;
  std::unique_ptr<alerting::RuleEvaluator> engine_;
  std::unique_ptr<alerting::AlertingService> alerts_;
  std::unique_ptr<MeshCoordinator> mesh_;  // null: mesh.enabled is false
  std::unique_ptr<AppliedBatchLog> applied_log_;
  std::unique_ptr<remote_write::RemoteWriteOutput> remote_write_;
  std::unique_ptr<IdentityPolicy> identity_;
  std::unique_ptr<IngestService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<WebServer> web_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace hostmon::collector
