// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace hostmon::collector {

// The whole program: configuration (collector/collector_config.h), then --check-rules,
// --check-config or the running collector (collector/collector.h) until SIGTERM or SIGINT; SIGHUP
// reloads the rules. Returns the process exit code: 0; 1 for rules that do not check or a part
// that cannot start; 2 for an invalid command line or configuration.
int CollectorMain(int argc, const char* const* argv);

}  // namespace hostmon::collector
