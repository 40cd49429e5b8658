// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "collector/alerting/alerting_service.h"
#include "collector/host_store.h"
#include "collector/remote_write/config.h"
#include "common/grpc_tls.h"

namespace hostmon::collector {

// Everything the collector can be told, with the embedded defaults. Config file first, then
// command-line flags override.
struct CollectorConfig {
  std::string grpc_listen_address = "127.0.0.1:9710";
  common::TlsFiles tls;
  std::string web_listen_address = ":9711";
  HostStoreOptions hosts;
  std::string log_level = "info";
  alerting::AlertingOptions alerting;
  std::vector<remote_write::RemoteWriteConfig> remote_write;  // empty: no remote write
};

absl::Status LoadCollectorConfigFile(const std::string& path, CollectorConfig* config);
absl::Status ValidateCollectorConfig(const CollectorConfig& config);

// The whole program; returns the process exit code.
int CollectorMain(int argc, const char* const* argv);

}  // namespace hostmon::collector
