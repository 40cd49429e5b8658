// SPDX-License-Identifier: Apache-2.0
#include "agent/start_check.h"

#include <unistd.h>

#include <string>

#include "common/grpc_tls.h"
#include "common/log.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;

std::string DefaultHostname() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace

std::optional<common::StartError> CheckAgentStart(AgentConfig* config, const common::FsRoot* fs,
                                                  bool connects, AgentSources* sources) {
  if (config->hostname.empty()) config->hostname = DefaultHostname();
  if (absl::Status s = ValidateAgentConfig(*config); !s.ok()) {
    return common::StartError{"invalid configuration", log::Kv("err", s.message()), 2};
  }
  if (std::optional<common::StartError> e = BuildSources(*config, fs, sources)) return e;
  // The collector client builds the same credentials when it connects; checked here so that a
  // start refuses them before it collects, and --check-config refuses them too.
  if (!connects) return std::nullopt;
  for (const std::string& target : CollectorTargets(*config)) {
    auto creds = common::MakeChannelCredentials(config->tls, target);
    if (!creds.ok()) {
      return common::StartError{"cannot start", log::Kv("err", creds.status().message()), 2};
    }
  }
  return std::nullopt;
}

}  // namespace hostmon::agent
