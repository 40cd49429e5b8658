// SPDX-License-Identifier: Apache-2.0
#include "common/build_info.h"

#include <catch2/catch.hpp>
#include <string>

namespace hostmon::common {
namespace {

TEST_CASE("GetBuildInfo names the version, revision, compiler and libraries", "[common][build]") {
  const BuildInfo& b = GetBuildInfo();
  CHECK(b.version == HOSTMON_VERSION);
  CHECK(!b.revision.empty());  // git describe, or "unknown" outside a checkout
  CHECK(!b.branch.empty());
  CHECK(!b.compiler.empty());
  CHECK(!b.grpc_version.empty());
  CHECK(b.protobuf_version.find('.') != std::string::npos);
}

TEST_CASE("VersionLine is one line naming the program and the build", "[common][build]") {
  const BuildInfo& b = GetBuildInfo();
  std::string line = VersionLine("hostmon-agent");
  CHECK(line.rfind("hostmon-agent " + b.version + " (git " + b.revision, 0) == 0);
  CHECK_THAT(line, Catch::Contains("gRPC " + b.grpc_version));
  CHECK_THAT(line, Catch::Contains("protobuf " + b.protobuf_version));
  CHECK(line.find('\n') == std::string::npos);
}

}  // namespace
}  // namespace hostmon::common
