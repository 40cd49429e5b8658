// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filefd/filefd_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseFileNr reads allocated and maximum from the fixture", "[agent][filefd]") {
  FileNr nr;
  const absl::Status status = ParseFileNr(ReadFixture("proc/sys/fs/file-nr"), &nr);
  INFO(status.ToString());
  REQUIRE(status.ok());
  CHECK(nr.allocated == 1244);
  CHECK(nr.maximum == 2466170);
}

TEST_CASE("ParseFileNr ignores the free column and extra text", "[agent][filefd]") {
  FileNr nr;
  REQUIRE(ParseFileNr("7 3 9 12\nnext line\n", &nr).ok());
  CHECK(nr.allocated == 7);
  CHECK(nr.maximum == 9);
}

TEST_CASE("ParseFileNr rejects broken input", "[agent][filefd]") {
  FileNr nr;
  SECTION("truncated after the second field") {
    const absl::Status status = ParseFileNr("1244\t0", &nr);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/sys/fs/file-nr: expected 3 fields, got 2");
  }
  SECTION("empty") { CHECK(absl::IsInvalidArgument(ParseFileNr("", &nr))); }
  SECTION("non-numeric allocated") {
    const absl::Status status = ParseFileNr("12x4\t0\t2466170\n", &nr);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message().find("allocated") != absl::string_view::npos);
  }
  SECTION("maximum beyond uint64") {
    const absl::Status status = ParseFileNr("1244\t0\t18446744073709551616\n", &nr);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message().find("maximum") != absl::string_view::npos);
  }
}

}  // namespace
}  // namespace hostmon::agent
