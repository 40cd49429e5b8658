// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/grpc_tls.h"

namespace hostmon::agent {

// Everything the agent can be told, with the embedded defaults. Sources: config file first, then
// command-line flags override (see README "Configuration").
struct AgentConfig {
  std::string collector_address = "127.0.0.1:9710";
  common::TlsFiles tls;
  std::string hostname;  // empty: gethostname()
  std::map<std::string, std::string> labels;
  absl::Duration interval = absl::Seconds(15);
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  bool disable_default_sources = false;
  std::map<std::string, bool> sources;  // explicit per-source switches
  // Per-source options set by config or flags: source -> option -> value.
  std::map<std::string, std::map<std::string, std::string>> source_options;
  int64_t queue_max_batches = 240;  // one hour at the default interval
  std::string log_level = "info";
};

// Reads a YAML config file over the defaults in *config. Errors name file, line and field.
absl::Status LoadAgentConfigFile(const std::string& path, AgentConfig* config);
// Checks values that neither YAML nor flags can check alone.
absl::Status ValidateAgentConfig(const AgentConfig& config);

// The whole program; returns the process exit code.
int AgentMain(int argc, const char* const* argv);

}  // namespace hostmon::agent
