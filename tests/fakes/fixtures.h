// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace hostmon::testing {

// Contents of tests/fixtures/<relative>; fails the test if the file cannot be read.
inline std::string ReadFixture(const std::string& relative) {
  const std::string path = std::string(HOSTMON_FIXTURE_DIR) + "/" + relative;
  INFO("fixture " << path);
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace hostmon::testing
