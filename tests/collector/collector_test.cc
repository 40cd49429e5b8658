// SPDX-License-Identifier: Apache-2.0
#include "collector/collector.h"

#include <catch2/catch.hpp>

namespace hostmon::collector {
namespace {

TEST_CASE("GRPC_EXPERIMENTS: tcp_read_chunks off for gRPC 1.51 unless the operator set it",
          "[collector][grpc_env]") {
  CHECK(GrpcExperimentsOverride(nullptr, "1.51.1") ==
        std::optional<std::string>("-tcp_read_chunks"));
  CHECK(GrpcExperimentsOverride(nullptr, "1.51.0") ==
        std::optional<std::string>("-tcp_read_chunks"));
  // Set by the operator, even to nothing: theirs.
  CHECK(GrpcExperimentsOverride("", "1.51.1") == std::nullopt);
  CHECK(GrpcExperimentsOverride("tcp_read_chunks", "1.51.1") == std::nullopt);
  // Other releases have other experiments (and defaults): left alone.
  CHECK(GrpcExperimentsOverride(nullptr, "1.62.0") == std::nullopt);
  CHECK(GrpcExperimentsOverride(nullptr, "1.5.1") == std::nullopt);
  CHECK(GrpcExperimentsOverride(nullptr, "") == std::nullopt);
}

}  // namespace
}  // namespace hostmon::collector
