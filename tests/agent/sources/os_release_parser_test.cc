// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/os/os_release_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseOsRelease reads Debian's os-release", "[agent][os]") {
  OsRelease os;
  const absl::Status status = ParseOsRelease(ReadFixture("rootfs/etc/os-release"), &os);
  INFO(status.ToString());
  REQUIRE(status.ok());
  CHECK(os.id == "debian");
  CHECK(os.name == "Debian GNU/Linux");
  CHECK(os.pretty_name == "Debian GNU/Linux 12 (bookworm)");
  CHECK(os.version == "12 (bookworm)");
  CHECK(os.version_id == "12");
  CHECK(os.version_codename == "bookworm");
  CHECK(os.id_like.empty());
  CHECK(os.build_id.empty());
}

TEST_CASE("ParseOsRelease handles shell quoting", "[agent][os]") {
  OsRelease os;
  os.variant = "stale";
  REQUIRE(ParseOsRelease("# comment\n\nexport ID=ubuntu  \nID_LIKE='debian fedora'\n"
                         "NAME=\"A \\\"quoted\\\" \\$name\\\\\"\nUNKNOWN=\"x\"",
                         &os)
              .ok());
  CHECK(os.id == "ubuntu");
  CHECK(os.id_like == "debian fedora");
  CHECK(os.name == "A \"quoted\" $name\\");
  CHECK(os.variant.empty());  // reset
}

TEST_CASE("ParseOsRelease rejects broken input", "[agent][os]") {
  OsRelease os;
  SECTION("truncated inside a quoted value") {
    const absl::Status status = ParseOsRelease("ID=debian\nPRETTY_NAME=\"Debian GNU", &os);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "os-release line 2 (\"PRETTY_NAME=\\\"Debian GNU\"): unterminated double quote");
  }
  SECTION("line without '='") {
    CHECK(absl::IsInvalidArgument(ParseOsRelease("ID=debian\nVERSION_ID\n", &os)));
  }
  SECTION("invalid key") { CHECK(absl::IsInvalidArgument(ParseOsRelease("1D=debian\n", &os))); }
  SECTION("unterminated single quote") {
    CHECK(absl::IsInvalidArgument(ParseOsRelease("ID_LIKE='debian\n", &os)));
  }
}

TEST_CASE("OsVersionNumber takes major.minor like node_exporter", "[agent][os]") {
  CHECK(OsVersionNumber("12") == 12);
  CHECK(OsVersionNumber("22.04") == 22.04);
  CHECK(OsVersionNumber("22.04.3") == 22.04);
  CHECK(OsVersionNumber("8.") == 8);
  CHECK(OsVersionNumber("rolling") == 0);
  CHECK(OsVersionNumber("") == 0);
  // More digits than a double holds exactly still parses; beyond its range it is 0.
  CHECK(OsVersionNumber(std::string(400, '9')) == 0);
}

}  // namespace
}  // namespace hostmon::agent
