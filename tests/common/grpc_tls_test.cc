// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

// These tests only build credential objects; none of them opens a connection or a listener.

#include <string>

#include "common/grpc_tls.h"
#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

// Looks like PEM to ReadPem; credential objects are built lazily, so the body is never decoded.
constexpr const char kFakePem[] =
    "-----BEGIN CERTIFICATE-----\nTUlJQ2Zha2U=\n-----END CERTIFICATE-----\n";

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("IsLoopbackAddress accepts loopback hosts and Unix sockets", "[common][grpc_tls]") {
  for (const char* addr : {"127.0.0.1:1", "127.5.5.5:1", "[::1]:1", "localhost:1", "unix:/x",
                           "unix:///run/hostmon.sock", "dns:///localhost:9710",
                           "ipv4:127.0.0.1:9710", "ipv6:[::1]:9710"}) {
    INFO(addr);
    CHECK(IsLoopbackAddress(addr));
  }
}

TEST_CASE("IsLoopbackAddress rejects wildcard, empty-host and remote addresses",
          "[common][grpc_tls]") {
  for (const char* addr :
       {"0.0.0.0:1", ":9710", "10.0.0.1:1", "example.invalid:1", "[::]:1", "[::2]:1", "128.0.0.1:1",
        "1.127.0.0:1", "localhost.example.invalid:1", "dns:///example.invalid:9710", ""}) {
    INFO(addr);
    CHECK_FALSE(IsLoopbackAddress(addr));
  }
}

// Regression: a DNS name starting with "127." was taken for loopback, allowing plaintext to e.g.
// "127.example.invalid:9710", which can resolve anywhere.
TEST_CASE("IsLoopbackAddress rejects DNS names that merely start with 127.", "[common][grpc_tls]") {
  for (const char* addr : {"127.example.invalid:1", "127.0.0.1.example.invalid:1",
                           "dns:///127.attacker.invalid:9710"}) {
    INFO(addr);
    CHECK_FALSE(IsLoopbackAddress(addr));
  }
}

TEST_CASE("MakeServerCredentials allows plaintext on loopback only", "[common][grpc_tls]") {
  TlsFiles none;
  for (const char* addr : {"127.0.0.1:0", "[::1]:0", "localhost:0", "unix:/tmp/x.sock"}) {
    INFO(addr);
    auto creds = MakeServerCredentials(none, addr);
    REQUIRE(creds.ok());
    CHECK(*creds != nullptr);
  }
  for (const char* addr : {"0.0.0.0:9710", ":9710", "10.0.0.1:9710", "example.invalid:9710"}) {
    INFO(addr);
    auto creds = MakeServerCredentials(none, addr);
    REQUIRE_FALSE(creds.ok());
    CHECK(creds.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(creds.status()), Catch::Contains("without TLS"));
    CHECK_THAT(Msg(creds.status()), Catch::Contains(std::string("address ") + addr));
  }
}

TEST_CASE("MakeChannelCredentials allows plaintext to loopback only", "[common][grpc_tls]") {
  TlsFiles none;
  for (const char* target : {"127.0.0.1:9710", "[::1]:9710", "localhost:9710", "unix:/x"}) {
    INFO(target);
    auto creds = MakeChannelCredentials(none, target);
    REQUIRE(creds.ok());
    CHECK(*creds != nullptr);
  }
  for (const char* target : {"10.0.0.1:9710", "example.invalid:9710", "0.0.0.0:9710"}) {
    INFO(target);
    auto creds = MakeChannelCredentials(none, target);
    REQUIRE_FALSE(creds.ok());
    CHECK(creds.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(creds.status()), Catch::Contains("without TLS"));
    CHECK_THAT(Msg(creds.status()), Catch::Contains(target));
  }
}

TEST_CASE("MakeServerCredentials needs both cert and key", "[common][grpc_tls]") {
  testing::ScopedTempDir dir;
  std::string pem = dir.Write("a.pem", kFakePem);
  TlsFiles only_ca;
  only_ca.ca_file = pem;
  auto a = MakeServerCredentials(only_ca, "10.0.0.1:9710");
  REQUIRE_FALSE(a.ok());
  CHECK_THAT(Msg(a.status()), Catch::Contains("both a cert file and a key file"));
  TlsFiles only_cert;
  only_cert.cert_file = pem;
  auto b = MakeServerCredentials(only_cert, "10.0.0.1:9710");
  REQUIRE_FALSE(b.ok());
  CHECK_THAT(Msg(b.status()), Catch::Contains("both a cert file and a key file"));
}

TEST_CASE("MakeServerCredentials names a missing or non-PEM file", "[common][grpc_tls]") {
  testing::ScopedTempDir dir;
  std::string pem = dir.Write("good.pem", kFakePem);
  std::string missing = dir.File("missing.pem");
  std::string not_pem = dir.Write("not.pem", "this is not a certificate\n");
  SECTION("missing cert") {
    TlsFiles tls{missing, pem, "", ""};
    auto c = MakeServerCredentials(tls, "10.0.0.1:9710");
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(c.status()), Catch::Contains("tls cert file"));
    CHECK_THAT(Msg(c.status()), Catch::Contains(missing));
  }
  SECTION("missing key") {
    TlsFiles tls{pem, missing, "", ""};
    auto c = MakeServerCredentials(tls, "10.0.0.1:9710");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(Msg(c.status()), Catch::Contains("tls key file"));
    CHECK_THAT(Msg(c.status()), Catch::Contains(missing));
  }
  SECTION("missing CA") {
    TlsFiles tls{pem, pem, missing, ""};
    auto c = MakeServerCredentials(tls, "10.0.0.1:9710");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(Msg(c.status()), Catch::Contains("tls CA file"));
    CHECK_THAT(Msg(c.status()), Catch::Contains(missing));
  }
  SECTION("not PEM") {
    TlsFiles tls{not_pem, pem, "", ""};
    auto c = MakeServerCredentials(tls, "10.0.0.1:9710");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(Msg(c.status()), Catch::Contains(not_pem + " is not a PEM file"));
  }
}

TEST_CASE("MakeServerCredentials builds TLS credentials from PEM files on any address",
          "[common][grpc_tls]") {
  testing::ScopedTempDir dir;
  std::string pem = dir.Write("x.pem", kFakePem);
  TlsFiles tls{pem, pem, "", ""};
  auto c = MakeServerCredentials(tls, "0.0.0.0:9710");
  REQUIRE(c.ok());
  CHECK(*c != nullptr);
  tls.ca_file = pem;  // mTLS
  auto m = MakeServerCredentials(tls, "0.0.0.0:9710");
  REQUIRE(m.ok());
  CHECK(*m != nullptr);
}

TEST_CASE("MakeChannelCredentials needs cert and key together", "[common][grpc_tls]") {
  testing::ScopedTempDir dir;
  std::string pem = dir.Write("x.pem", kFakePem);
  TlsFiles cert_only{pem, "", pem, ""};
  auto a = MakeChannelCredentials(cert_only, "example.invalid:9710");
  REQUIRE_FALSE(a.ok());
  CHECK_THAT(Msg(a.status()), Catch::Contains("both a cert file and a key file"));
  TlsFiles key_only{"", pem, pem, ""};
  auto b = MakeChannelCredentials(key_only, "example.invalid:9710");
  REQUIRE_FALSE(b.ok());
  CHECK_THAT(Msg(b.status()), Catch::Contains("both a cert file and a key file"));
}

TEST_CASE("MakeChannelCredentials names a missing or non-PEM file", "[common][grpc_tls]") {
  testing::ScopedTempDir dir;
  std::string pem = dir.Write("good.pem", kFakePem);
  std::string missing = dir.File("missing-ca.pem");
  std::string not_pem = dir.Write("empty.pem", "");
  SECTION("missing CA") {
    TlsFiles tls{"", "", missing, ""};
    auto c = MakeChannelCredentials(tls, "example.invalid:9710");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(Msg(c.status()), Catch::Contains("tls CA file"));
    CHECK_THAT(Msg(c.status()), Catch::Contains(missing));
  }
  SECTION("missing client cert") {
    TlsFiles tls{missing, pem, pem, ""};
    auto c = MakeChannelCredentials(tls, "example.invalid:9710");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(Msg(c.status()), Catch::Contains("tls cert file"));
    CHECK_THAT(Msg(c.status()), Catch::Contains(missing));
  }
  SECTION("missing client key") {
    TlsFiles tls{pem, missing, pem, ""};
    auto c = MakeChannelCredentials(tls, "example.invalid:9710");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(Msg(c.status()), Catch::Contains("tls key file"));
    CHECK_THAT(Msg(c.status()), Catch::Contains(missing));
  }
  SECTION("empty CA file") {
    TlsFiles tls{"", "", not_pem, ""};
    auto c = MakeChannelCredentials(tls, "example.invalid:9710");
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(Msg(c.status()), Catch::Contains(not_pem + " is not a PEM file"));
  }
}

TEST_CASE("MakeChannelCredentials builds TLS credentials for a remote target without connecting",
          "[common][grpc_tls]") {
  testing::ScopedTempDir dir;
  std::string pem = dir.Write("x.pem", kFakePem);
  TlsFiles ca_only{"", "", pem, ""};
  auto a = MakeChannelCredentials(ca_only, "example.invalid:9710");
  REQUIRE(a.ok());
  CHECK(*a != nullptr);
  TlsFiles mtls{pem, pem, pem, "collector.example.invalid"};
  auto b = MakeChannelCredentials(mtls, "example.invalid:9710");
  REQUIRE(b.ok());
  CHECK(*b != nullptr);
}

TEST_CASE("TlsFiles::any ignores server_name", "[common][grpc_tls]") {
  TlsFiles t;
  CHECK_FALSE(t.any());
  t.server_name = "x";
  CHECK_FALSE(t.any());
  t.ca_file = "ca.pem";
  CHECK(t.any());
}

}  // namespace
}  // namespace hostmon::common
