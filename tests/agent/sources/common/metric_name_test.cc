// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/metric_name.h"

#include <catch2/catch.hpp>
#include <string>

namespace hostmon::agent {
namespace {

std::string Sanitize(absl::string_view name) {
  std::string out = "stale";
  SanitizeMetricName(name, &out);
  return out;
}

TEST_CASE("SanitizeMetricName matches node_exporter's SanitizeMetricName", "[agent][rapl]") {
  CHECK(Sanitize("package") == "package");
  CHECK(Sanitize("a-b-c") == "a_b_c");
  CHECK(Sanitize("a_-_b") == "a_b");
  CHECK(Sanitize("a__b") == "a__b");
  CHECK(Sanitize("a.-b") == "a_b");
  CHECK(Sanitize("-a") == "_a");
  // After a replaced run's trailing '_', the next invalid run starts a new replacement
  // (Go's regexp continues after the match): "." + "__" -> "_", then "." -> "_".
  CHECK(Sanitize("a.__.b") == "a__b");
  CHECK(Sanitize("a__") == "a__");
  CHECK(Sanitize("_x_") == "_x_");
  CHECK(Sanitize("caf\xc3\xa9-x") == "caf_x");  // a multi-byte character is one invalid run
  CHECK(Sanitize("") == "");
}

}  // namespace
}  // namespace hostmon::agent
