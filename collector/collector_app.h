// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>

#include "collector/collector_config.h"
#include "common/start_error.h"

namespace hostmon::collector {

// What a start checks before it listens, and all that --check-config checks: the values
// (ValidateCollectorConfig: hosts, remote_write, alerting and Alertmanager options), the gRPC
// credentials as Collector::Start builds them (TLS files readable; plaintext only on a loopback
// listen address), the web listen address and web config file, the rule files (loaded together) and
// the remote write credential files. Returns why a start would refuse, with its exit code.
std::optional<common::StartError> CheckCollectorStart(const CollectorConfig& config);

// The whole program: configuration (collector/collector_config.h), then --version, --check-rules,
// --check-config or the running collector (collector/collector.h) until SIGTERM or SIGINT; SIGHUP
// reloads the rules. Returns the process exit code: 0; 1 for rules that do not check or a part
// that cannot start; 2 for an invalid command line or configuration.
int CollectorMain(int argc, const char* const* argv);

}  // namespace hostmon::collector
