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

TEST_CASE("NvmeNamespaceId and NvmeNamespaceNumber follow procfs", "[agent][nvme]") {
  absl::string_view nsid;
  REQUIRE(NvmeNamespaceId("nvme0n1", &nsid));
  CHECK(nsid == "1");
  REQUIRE(NvmeNamespaceId("nvme12n34", &nsid));
  CHECK(nsid == "34");
  CHECK_FALSE(NvmeNamespaceId("nvme0c0n1", &nsid));  // a multipath path, not a namespace
  CHECK_FALSE(NvmeNamespaceId("nvme0", &nsid));
  CHECK_FALSE(NvmeNamespaceId("nvmen1", &nsid));
  CHECK_FALSE(NvmeNamespaceId("model", &nsid));
  CHECK_FALSE(NvmeNamespaceId("nvme0n", &nsid));
  CHECK(NvmeNamespaceNumber("4096\n") == 4096);
  CHECK(NvmeNamespaceNumber(" 7 ") == 7);
  CHECK(NvmeNamespaceNumber("") == 0);
  CHECK(NvmeNamespaceNumber("x") == 0);
  CHECK(NvmeNamespaceNumber("-1") == 0);
  CHECK(NvmeNamespaceNumber("99999999999999999999") == 0);
}

}  // namespace
}  // namespace hostmon::agent
