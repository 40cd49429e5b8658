// SPDX-License-Identifier: Apache-2.0
//
// What was built: the version (CMake's project version), the git revision and branch of the
// checkout at configure time ("unknown" outside a git checkout), the compiler and the gRPC and
// protobuf versions. Shown by --version and exported as hostmon_agent_build_info /
// hostmon_collector_build_info (value 1), in the shape of node_exporter's node_exporter_build_info.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace hostmon::common {

struct BuildInfo {
  std::string version;   // e.g. "0.1.0"
  std::string revision;  // `git describe --always --dirty`, or "unknown"
  std::string branch;    // or "unknown"
  std::string compiler;  // e.g. "GNU 12.2.0"
  std::string grpc_version;
  std::string protobuf_version;
};

const BuildInfo& GetBuildInfo();

// The --version line, e.g. "hostmon-agent 0.1.0 (git 1a2b3c4, branch main, built with GNU 12.2.0,
// gRPC 1.51.1, protobuf 3.21.12)".
std::string VersionLine(absl::string_view program);

}  // namespace hostmon::common
