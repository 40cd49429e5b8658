// SPDX-License-Identifier: Apache-2.0
//
// The collector's configuration: defaults, then the YAML config file (--config.file), then
// command-line flags, each overriding the one before.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "collector/alerting/alerting_service.h"
#include "collector/host_store.h"
#include "collector/identity.h"
#include "collector/ingest_options.h"
#include "collector/mesh/mesh_plan.h"
#include "collector/remote_write/config.h"
#include "common/grpc_tls.h"

namespace hostmon::collector {

// Everything the collector can be told, with the embedded defaults.
struct CollectorConfig {
  std::string grpc_listen_address = "127.0.0.1:9710";
  common::TlsFiles tls;
  // Which host names an agent's client certificate may claim (mTLS only; collector/identity.h).
  IdentityConfig identity;
  std::string web_listen_address = ":9711";
  // The web port's TLS, basic auth users and headers (Prometheus's --web.config.file format,
  // common/http/web_config.h); empty: plain HTTP, no authentication.
  std::string web_config_file;
  // POST /-/reload answers 403 unless set (Prometheus's --web.enable-lifecycle).
  bool web_enable_lifecycle = false;
  // Open web connections at most; more wait in the listen backlog (collector/web_server.h).
  int64_t web_max_connections = 512;
  // From accept to a complete request (TLS handshake, headers, body); then it is closed.
  absl::Duration web_read_timeout = absl::Seconds(10);
  HostStoreOptions hosts;
  IngestOptions ingest;
  std::string log_level = "info";
  alerting::AlertingOptions alerting;
  std::vector<remote_write::RemoteWriteConfig> remote_write;  // empty: no remote write
  LabelPairs external_labels;  // added to every remote-written series (sorted by name)
  MeshConfig mesh;             // the peer latency mesh; off unless mesh.enabled
};

absl::Status LoadCollectorConfigFile(const std::string& path, CollectorConfig* config);
absl::Status ValidateCollectorConfig(const CollectorConfig& config);

// What the command line asks for besides configuration values.
struct CollectorCommandLine {
  // --config.file. The caller finds it first (common::FindFlagValue) and loads the file, so that
  // the flags override its values; it is listed here for --help and for the parser.
  std::string config_file;
  bool check_config = false;  // --check-config: validate the configuration and exit
  bool version = false;       // --version: print common::VersionLine and exit
  std::string check_rules;    // --check-rules: validate this rules file and exit
  // --debug.applied-batches-file: a test aid, one JSON line per applied batch.
  std::string applied_batches_file;
  bool help = false;  // --help: print `usage` and exit
  std::string usage;
};

// Parses the flags over *config (which holds the defaults and the config file's values), so a
// flag given on the command line wins; --remote-write.url entries are added to the config file's
// remote_write list. Errors name the flag. With --help, returns OK at once with cmd->help set.
absl::Status ApplyCollectorFlags(int argc, const char* const* argv, CollectorConfig* config,
                                 CollectorCommandLine* cmd);

}  // namespace hostmon::collector
