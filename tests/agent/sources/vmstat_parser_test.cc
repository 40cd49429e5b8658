// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/vmstat/vmstat_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

const VmstatField* Find(const std::vector<VmstatField>& fields, absl::string_view name) {
  for (const VmstatField& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST_CASE("ParseVmstat reads every field of the fixture", "[agent][vmstat]") {
  const std::string text = ReadFixture("proc/vmstat");
  std::vector<VmstatField> fields;
  const absl::Status status = ParseVmstat(text, &fields);
  INFO(status.ToString());
  REQUIRE(status.ok());
  CHECK(fields.size() == 192);
  CHECK(fields.front().name == "nr_free_pages");
  REQUIRE(Find(fields, "pgfault") != nullptr);
  CHECK(Find(fields, "pgfault")->value == 39497884);
  REQUIRE(Find(fields, "pgpgout") != nullptr);
  CHECK(Find(fields, "pgpgout")->value == 5536440);
  REQUIRE(Find(fields, "oom_kill") != nullptr);
  CHECK(Find(fields, "oom_kill")->value == 0);
}

TEST_CASE("ParseVmstat rejects broken input", "[agent][vmstat]") {
  std::vector<VmstatField> fields;
  SECTION("truncated after a name") {
    const absl::Status status = ParseVmstat("nr_free_pages 798514\npgfault", &fields);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/vmstat line 2 (\"pgfault\"): expected 2 fields, got 1");
  }
  SECTION("extra field") { CHECK(absl::IsInvalidArgument(ParseVmstat("pgfault 1 2\n", &fields))); }
  SECTION("non-numeric value") {
    CHECK(absl::IsInvalidArgument(ParseVmstat("pgfault 12z\n", &fields)));
  }
  SECTION("value beyond double range") {
    const absl::Status status = ParseVmstat("pgfault 1e999\n", &fields);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/vmstat line 1 (\"pgfault 1e999\"): value out of range");
  }
}

}  // namespace
}  // namespace hostmon::agent
