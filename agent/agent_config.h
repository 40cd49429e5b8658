// SPDX-License-Identifier: Apache-2.0
//
// The agent's configuration: defaults, then the YAML config file (--config.file), then
// command-line flags, each overriding the one before (README "Configuration").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/grpc_tls.h"

namespace hostmon::agent {

// The on-disk spool. Off (in-memory queue only) while directory is empty.
struct SpoolConfig {
  std::string directory;  // e.g. /var/lib/hostmon/spool (the systemd unit sets it)
  int64_t max_bytes = 256ll << 20;
  absl::Duration max_age = absl::Hours(72);
  int64_t segment_bytes = 8ll << 20;
  std::string fsync = "periodic";  // always, periodic, never
  absl::Duration fsync_interval = absl::Seconds(1);
  double replay_rate = 20;  // backlog batches per second after an outage
};

// The peer latency mesh (docs/mesh.md). Off while listen_address is empty.
struct MeshConfig {
  std::string listen_address;                   // the responder's "host:port", e.g. "10.0.0.5:9713"
  std::string announce_address;                 // what peers dial; empty: the listen address
  absl::Duration interval = absl::Seconds(10);  // one probe of every planned peer per interval
  absl::Duration timeout = absl::Seconds(1);    // per probe
};

// Everything the agent can be told, with the embedded defaults.
struct AgentConfig {
  std::string collector_address = "127.0.0.1:9710";
  // Failover list, in order of preference; when empty, collector_address alone.
  std::vector<std::string> collector_addresses;
  // "listed": collector_addresses in the order given. "hash": each host orders the list by
  // rendezvous hashing of its host name (CollectorTargets), so a fleet spreads evenly over the
  // collectors, a host stays on its collector while that one works, and losing one collector moves
  // only that collector's hosts.
  std::string collector_order = "listed";
  SpoolConfig spool;
  MeshConfig mesh;
  common::TlsFiles tls;
  std::string hostname;  // empty: gethostname()
  std::map<std::string, std::string> labels;
  absl::Duration interval = absl::Seconds(15);
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  bool disable_default_sources = false;
  std::map<std::string, bool> sources;  // explicit per-source switches
  // Per-source options: source -> option -> value. The config file sets some; ApplyAgentFlags
  // fills in every option of every source (defaults, then file, then flags).
  std::map<std::string, std::map<std::string, std::string>> source_options;
  int64_t queue_max_batches = 240;  // one hour at the default interval
  std::string log_level = "info";
};

// Reads a YAML config file over the values in *config. Errors name file, line and field.
absl::Status LoadAgentConfigFile(const std::string& path, AgentConfig* config);

// What the command line asks for besides configuration values.
struct AgentCommandLine {
  // --config.file. The caller finds it first (common::FindFlagValue) and loads the file, so that
  // the flags below override its values; it is listed here for --help and for the parser.
  std::string config_file;
  bool once = false;  // --once: collect once, print the exposition, exit
  // --debug.cost: collect debug_cost_collections times, print the per-source cost, exit
  bool debug_cost = false;
  int debug_cost_collections = 100;
  // --check-config: validate as a start would (agent/agent_app.h), print the result, exit
  bool check_config = false;
  bool version = false;  // --version: print common::VersionLine and exit
  bool help = false;     // --help: print `usage` and exit
  std::string usage;
};

// Parses the flags over *config (which holds the defaults and the config file's values), so a
// flag given on the command line wins. Errors (unknown flag, bad value, --label without '=')
// name the flag. With --help, returns OK at once with cmd->help set.
absl::Status ApplyAgentFlags(int argc, const char* const* argv, AgentConfig* config,
                             AgentCommandLine* cmd);

// Checks values that neither YAML nor flags can check alone.
absl::Status ValidateAgentConfig(const AgentConfig& config);

// The collector addresses to use, in order (collector_addresses, else collector_address), ordered
// by RendezvousOrder with config.hostname when collector_order is "hash".
std::vector<std::string> CollectorTargets(const AgentConfig& config);

// Highest-random-weight (rendezvous) order of `addresses` for `host`: each address scores
// Mix(FNV-1a-64(host, 0x00, address)), highest first (ties: the listed order). Stable across
// agents, versions and machines, so it is documented (docs/storage.md) and reproduced by tests.
std::vector<std::string> RendezvousOrder(const std::vector<std::string>& addresses,
                                         absl::string_view host);

}  // namespace hostmon::agent
