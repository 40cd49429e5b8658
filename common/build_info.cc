// SPDX-License-Identifier: Apache-2.0
#include "common/build_info.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/common.h"
#include "grpcpp/grpcpp.h"

// Set for this file only (common/CMakeLists.txt), so that a new revision recompiles one file.
#ifndef HOSTMON_REVISION
#define HOSTMON_REVISION "unknown"
#endif
#ifndef HOSTMON_BRANCH
#define HOSTMON_BRANCH "unknown"
#endif
#ifndef HOSTMON_COMPILER
#define HOSTMON_COMPILER "unknown"
#endif

namespace hostmon::common {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo* info = [] {
    auto* b = new BuildInfo;
    b->version = HOSTMON_VERSION;
    b->revision = HOSTMON_REVISION;
    b->branch = HOSTMON_BRANCH;
    b->compiler = HOSTMON_COMPILER;
    b->grpc_version = grpc::Version();
    // GOOGLE_PROTOBUF_VERSION is major * 1000000 + minor * 1000 + patch.
    constexpr int v = GOOGLE_PROTOBUF_VERSION;
    b->protobuf_version = absl::StrCat(v / 1000000, ".", v / 1000 % 1000, ".", v % 1000);
    return b;
  }();
  return *info;
}

std::string VersionLine(absl::string_view program) {
  const BuildInfo& b = GetBuildInfo();
  return absl::StrCat(program, " ", b.version, " (git ", b.revision, ", branch ", b.branch,
                      ", built with ", b.compiler, ", gRPC ", b.grpc_version, ", protobuf ",
                      b.protobuf_version, ")");
}

}  // namespace hostmon::common
