// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nvme/nvme_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("NvmeAttributeValue trims the fixture's padded values", "[agent][nvme]") {
  const std::string model = ReadFixture("sys/class/nvme/nvme0/model");
  CHECK(NvmeAttributeValue(model) == "Samsung SSD 970 EVO Plus 1TB");
  const std::string serial = ReadFixture("sys/class/nvme/nvme1/serial");
  CHECK(NvmeAttributeValue(serial) == "BTLJ90520ABC1P0FGN");
  const std::string state = ReadFixture("sys/class/nvme/nvme1/state");
  CHECK(NvmeAttributeValue(state) == "resetting");
  // A view into the text, not a copy.
  CHECK(NvmeAttributeValue(model).data() == model.data());
}

TEST_CASE("NvmeAttributeValue on truncated, empty and odd values", "[agent][nvme]") {
  // No numbers in these files: a cut value is still a (shorter) string, as in node_exporter.
  CHECK(NvmeAttributeValue("Samsung SSD 9") == "Samsung SSD 9");
  CHECK(NvmeAttributeValue("") == "");
  CHECK(NvmeAttributeValue(" \t\n") == "");
  CHECK(NvmeAttributeValue("\tlive \n") == "live");
  CHECK(NvmeAttributeValue("a  b\n") == "a  b");
}

}  // namespace
}  // namespace hostmon::agent
