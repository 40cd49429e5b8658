// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace hostmon::agent {

// The whole program: configuration (agent/agent_config.h), then --version, --check-config,
// --once or the long-running agent (agent/agent.h) until SIGTERM or SIGINT; SIGHUP reloads the
// configuration (checked in full first; a bad one keeps the running agent). Returns the process
// exit code: 0, 2 for an invalid command line or configuration, 1 when a part cannot start.
// Called from main() before any thread exists: it first sets gRPC's environment settings
// (ConfigureGrpcLibrary in agent/transport/ingest_client.h).
int AgentMain(int argc, const char* const* argv);

}  // namespace hostmon::agent
