// SPDX-License-Identifier: Apache-2.0
#include "common/secret_file.h"

#include <stdlib.h>

#include <catch2/catch.hpp>

#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

TEST_CASE("ReadSecretFile strips surrounding white space, as Prometheus", "[common][secret]") {
  testing::ScopedTempDir dir;
  CHECK(*ReadSecretFile(dir.Write("echo", "s3cret\n")) == "s3cret");
  CHECK(*ReadSecretFile(dir.Write("crlf", "s3cret\r\n")) == "s3cret");
  CHECK(*ReadSecretFile(dir.Write("bare", "s3cret")) == "s3cret");
  CHECK(*ReadSecretFile(dir.Write("padded", "  s3 cret \t\n\n")) == "s3 cret");
  CHECK(*ReadSecretFile(dir.Write("empty", "\n")) == "");
}

TEST_CASE("ReadSecretFile names a missing or unreadable file", "[common][secret]") {
  testing::ScopedTempDir dir;
  auto missing = ReadSecretFile(dir.File("nope"));
  REQUIRE(absl::IsNotFound(missing.status()));
  CHECK(std::string(missing.status().message()).find(dir.File("nope")) != std::string::npos);
  auto directory = ReadSecretFile(dir.path());
  CHECK_FALSE(directory.ok());
}

TEST_CASE("ResolveRelativeTo resolves against the naming file's directory", "[common][secret]") {
  CHECK(ResolveRelativeTo("/etc/hostmon/targets.yml", "bmc.pw") == "/etc/hostmon/bmc.pw");
  CHECK(ResolveRelativeTo("/etc/hostmon/targets.yml", "pw/bmc.pw") == "/etc/hostmon/pw/bmc.pw");
  CHECK(ResolveRelativeTo("/targets.yml", "bmc.pw") == "/bmc.pw");
  CHECK(ResolveRelativeTo("conf/targets.yml", "bmc.pw") == "conf/bmc.pw");
  // A file in the working directory: its relatives are in the working directory too.
  CHECK(ResolveRelativeTo("targets.yml", "bmc.pw") == "bmc.pw");
  CHECK(ResolveRelativeTo("/etc/hostmon/targets.yml", "/run/secrets/bmc") == "/run/secrets/bmc");
  CHECK(ResolveRelativeTo("/etc/hostmon/targets.yml", "") == "");
  // A systemd credential is not relative to the targets file.
  CHECK(ResolveRelativeTo("/etc/hostmon/targets.yml", "%d/bmc.pw") == "%d/bmc.pw");
}

TEST_CASE("%d/NAME reads the systemd credential NAME from $CREDENTIALS_DIRECTORY",
          "[common][secret]") {
  testing::ScopedTempDir dir;
  dir.Write("bmc.pw", "s3cret\n");
  setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
  CHECK(*ExpandCredentialPath("%d/bmc.pw") == dir.File("bmc.pw"));
  CHECK(*ReadSecretFile("%d/bmc.pw") == "s3cret");
  CHECK(*ExpandCredentialPath("/etc/hostmon/bmc.pw") == "/etc/hostmon/bmc.pw");
  CHECK(*ExpandCredentialPath("bmc.pw") == "bmc.pw");
  auto missing = ReadSecretFile("%d/other");
  CHECK(absl::IsNotFound(missing.status()));

  // Started without LoadCredential=: the error says what is missing.
  unsetenv("CREDENTIALS_DIRECTORY");
  auto unset = ReadSecretFile("%d/bmc.pw");
  REQUIRE(absl::IsFailedPrecondition(unset.status()));
  CHECK(std::string(unset.status().message()).find("CREDENTIALS_DIRECTORY") != std::string::npos);
  CHECK(std::string(unset.status().message()).find("%d/bmc.pw") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::common
