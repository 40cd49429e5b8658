// SPDX-License-Identifier: Apache-2.0
//
// The built-in sources, listed explicitly in one place (agent/sources/builtin_sources.cc) rather
// than self-registered through static initialisers: static archives drop unreferenced
// initialisers, and one greppable list shows what is compiled in.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

struct SourceInfo {
  std::string name;  // --source.<name>, hostmon_agent_source_success{source="<name>"}
  std::string help;  // one line for --help
  bool enabled_by_default;
  // Builds the source (Make<Name>Source); an invalid option value is an InvalidArgument error
  // naming the option.
  std::function<absl::StatusOr<SourcePtr>(const SourceContext&)> factory;
  std::vector<SourceOption> options = {};  // agent/source.h
  // Sources that talk to devices or remote endpoints (BMCs, Redfish services, disks through
  // smartctl) belong to the slow tier: they run on their own thread and schedule with a deadline,
  // so a hung device can never delay the /proc sources (issue 5).
  bool slow = false;
};

// All sources compiled into the agent, sorted by name.
const std::vector<SourceInfo>& BuiltinSources();

// Resolves which sources run: defaults (unless disable_defaults), then explicit switches
// (name -> on/off). An unknown name is an error listing the known ones.
absl::StatusOr<std::vector<const SourceInfo*>> SelectSources(
    const std::vector<SourceInfo>& all, bool disable_defaults,
    const std::map<std::string, bool>& switches);

}  // namespace hostmon::agent
