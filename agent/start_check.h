// SPDX-License-Identifier: Apache-2.0
//
// The checks between loading the configuration and starting: the agent's start and its
// --check-config run this one function, so the check cannot pass what a start then refuses.
#pragma once

#include <optional>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "common/fs_root.h"
#include "common/start_error.h"

namespace hostmon::agent {

// What a start checks before it collects or connects, and all that --check-config checks: fills
// in the host name (gethostname() when unset), validates the values (ValidateAgentConfig,
// including the host name and static label rules the collector applies to Hello), selects the
// sources and builds each through its factory (bad source options, slow-tier options), and, when
// the agent `connects` (not --once), builds the collector credentials as the client will (TLS
// files readable; plaintext only to a loopback collector). The sources built are kept in
// *sources for the start. Returns why a start would refuse, with its exit code.
std::optional<common::StartError> CheckAgentStart(AgentConfig* config, const common::FsRoot* fs,
                                                  bool connects, AgentSources* sources);

}  // namespace hostmon::agent
