// SPDX-License-Identifier: Apache-2.0
#include "collector/identity.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

namespace hostmon::collector {
namespace {

const std::string kFp(64, 'a');

PeerCertificate Cert(std::vector<std::string> names, std::string sha256 = std::string(64, '0')) {
  PeerCertificate c;
  c.present = true;
  c.names = std::move(names);
  c.sha256 = std::move(sha256);
  return c;
}

std::unique_ptr<IdentityPolicy> Policy(IdentityConfig c) {
  auto p = IdentityPolicy::Create(c);
  REQUIRE(p.ok());
  return *std::move(p);
}

TEST_CASE("Identity exact: the host name is one of the certificate's names",
          "[collector][identity]") {
  auto p = Policy({});
  CHECK(p->Authorize(Cert({"web1"}), "web1").ok());
  CHECK(p->Authorize(Cert({"web1", "web1.example.org"}), "web1.example.org").ok());
  absl::Status s = p->Authorize(Cert({"host-a"}), "host-b");
  CHECK(absl::IsPermissionDenied(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("host name \"host-b\""));
  CHECK_THAT(std::string(s.message()), Catch::Contains("names: host-a"));
  // No client certificate (no mTLS): trusted as claimed.
  CHECK(p->Authorize(PeerCertificate{}, "anything").ok());
  // A certificate without names allows nothing.
  CHECK(absl::IsPermissionDenied(p->Authorize(Cert({}), "web1")));
}

TEST_CASE("Identity suffix and regex map certificate names to host names",
          "[collector][identity]") {
  IdentityConfig suffix;
  suffix.mode = "suffix";
  suffix.suffix = ".agents.example.org";
  auto p = Policy(suffix);
  CHECK(p->Authorize(Cert({"web1.agents.example.org"}), "web1").ok());
  CHECK_FALSE(p->Authorize(Cert({"web1.agents.example.org"}), "web2").ok());
  CHECK_FALSE(p->Authorize(Cert({".agents.example.org"}), "").ok());
  CHECK_FALSE(p->Authorize(Cert({"web1.other.org"}), "web1").ok());

  IdentityConfig regex;
  regex.mode = "regex";
  regex.regex = R"(agent-(.+)\.example\.org)";
  p = Policy(regex);
  CHECK(p->Authorize(Cert({"agent-db1.example.org"}), "db1").ok());
  CHECK_FALSE(p->Authorize(Cert({"agent-db1.example.org"}), "agent-db1.example.org").ok());
  CHECK_FALSE(p->Authorize(Cert({"xagent-db1.example.org.evil"}), "db1").ok());
  regex.regex = R"(db[0-9]+)";  // no group: the whole name
  p = Policy(regex);
  CHECK(p->Authorize(Cert({"db7"}), "db7").ok());
  CHECK_FALSE(p->Authorize(Cert({"web7"}), "web7").ok());

  IdentityConfig any;
  any.mode = "any";
  CHECK(Policy(any)->Authorize(Cert({"host-a"}), "host-b").ok());
}

TEST_CASE("Identity config errors name the key", "[collector][identity]") {
  IdentityConfig c;
  c.mode = "wild";
  CHECK_THAT(std::string(ValidateIdentityConfig(c).message()),
             Catch::Contains("grpc.identity.mode"));
  c.mode = "suffix";
  CHECK_THAT(std::string(ValidateIdentityConfig(c).message()),
             Catch::Contains("grpc.identity.suffix"));
  c.mode = "regex";
  c.regex = "(";
  CHECK_THAT(std::string(ValidateIdentityConfig(c).message()),
             Catch::Contains("grpc.identity.regex"));
  c.regex = "(a)(b)";
  CHECK_THAT(std::string(ValidateIdentityConfig(c).message()), Catch::Contains("one capture"));
  c.mode = "exact";
  c.fingerprints_file = "/nonexistent/fingerprints";
  auto p = IdentityPolicy::Create(c);
  REQUIRE_FALSE(p.ok());
  CHECK_THAT(std::string(p.status().message()), Catch::Contains("grpc.identity.fingerprints_file"));
}

TEST_CASE("Fingerprints file: shared certificates may claim the listed names",
          "[collector][identity]") {
  std::string colons;
  for (int i = 0; i < 32; ++i) colons += (i ? ":BB" : "BB");
  auto fps = ParseFingerprints("# shared by the web tier\n" + kFp + " web1 web2\n\n" +
                                   "sha256 Fingerprint=" + colons + " db1  # openssl's format\n",
                               "fps");
  REQUIRE(fps.ok());
  CHECK(fps->at(kFp) == std::vector<std::string>{"web1", "web2"});
  CHECK(fps->at(std::string(64, 'b')) == std::vector<std::string>{"db1"});
  for (const auto& [text, error] : std::vector<std::pair<std::string, std::string>>{
           {"abc web1\n", "fps:1: expected a SHA-256 fingerprint"},
           {"\n" + kFp + "\n", "fps:2: expected one or more host names"},
           {kFp + " a\n" + kFp + " b\n", "fps:2: fingerprint listed twice"},
           {kFp + " \x01\n", "fps:1: host name"}}) {
    auto r = ParseFingerprints(text, "fps");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(std::string(r.status().message()), Catch::Contains(error));
  }
}

TEST_CASE("A listed fingerprint decides, other certificates follow the mode",
          "[collector][identity]") {
  char path[] = "/tmp/hostmon_identity_test_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string text = kFp + " web1 web2\n";
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
  IdentityConfig c;
  c.fingerprints_file = path;
  auto p = Policy(c);
  unlink(path);
  CHECK(p->Authorize(Cert({"shared"}, kFp), "web1").ok());
  CHECK(p->Authorize(Cert({"shared"}, kFp), "web2").ok());
  absl::Status s = p->Authorize(Cert({"shared"}, kFp), "shared");
  CHECK(absl::IsPermissionDenied(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("fingerprints_file: web1, web2"));
  CHECK(p->Authorize(Cert({"db1"}), "db1").ok());
  CHECK_FALSE(p->Authorize(Cert({"db1"}), "web1").ok());
}

TEST_CASE("CertificateSha256 of text that is no certificate is empty", "[collector][identity]") {
  CHECK(CertificateSha256("").empty());
  CHECK(
      CertificateSha256("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").empty());
}

}  // namespace
}  // namespace hostmon::collector
