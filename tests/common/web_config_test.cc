// SPDX-License-Identifier: Apache-2.0
// The --web.config.file parser (exporter-toolkit's format) and basic auth with bcrypt.
#include "common/http/web_config.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

using testing::ScopedTempDir;

// A self-signed EC certificate and its key, as PEM, made in process so the tests need no tools.
struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

KeyPair MakeSelfSigned(const char* cn) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  KeyPair out;
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);  // NOLINT(runtime/int): OpenSSL's type
  out.cert_pem.assign(data, static_cast<size_t>(n));
  BIO_free(b);
  b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  n = BIO_get_mem_data(b, &data);
  out.key_pem.assign(data, static_cast<size_t>(n));
  BIO_free(b);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// "$2y$04$..." hashes of "secret" made once (cost 4 keeps the tests fast).
const std::string& SecretHash() {
  static const std::string hash = [] {
    auto h = BcryptHash("secret", 4);
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

std::string Basic(const std::string& user, const std::string& password) {
  return "Basic " + absl::Base64Escape(user + ":" + password);
}

TEST_CASE("Web config: a full file loads, relative TLS paths resolve against its directory",
          "[common][web_config]") {
  ScopedTempDir dir;
  KeyPair server = MakeSelfSigned("collector");
  KeyPair ca = MakeSelfSigned("clients");
  dir.Write("tls/server.pem", server.cert_pem);
  dir.Write("tls/server.key", server.key_pem);
  dir.Write("tls/ca.pem", ca.cert_pem);
  // htpasswd writes $2y$; libxcrypt checks $2y$, $2b$ and $2a$ alike.
  std::string y_hash = SecretHash();
  y_hash[2] = 'y';
  const std::string text =
      "tls_server_config:\n"
      "  cert_file: tls/server.pem\n"
      "  key_file: tls/server.key\n"
      "  client_ca_file: tls/ca.pem\n"
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  min_version: TLS13\n"
      "http_server_config:\n"
      "  http2: false\n"
      "  headers:\n"
      "    X-Frame-Options: deny\n"
      "    X-Content-Type-Options: nosniff\n"
      "basic_auth_users:\n"
      "  prometheus: " +
      y_hash + "\n  alice: " + SecretHash() + "\n";
  const std::string path = dir.Write("web.yml", text);
  auto c = LoadWebConfigFile(path);
  REQUIRE(c.ok());
  CHECK(c->file == path);
  CHECK(c->tls.cert_file == dir.File("tls/server.pem"));
  CHECK(c->tls.key_file == dir.File("tls/server.key"));
  CHECK(c->tls.client_ca_file == dir.File("tls/ca.pem"));
  CHECK(c->tls.client_auth_type == "RequireAndVerifyClientCert");
  CHECK(c->tls.min_version == "TLS13");
  CHECK(c->tls.max_version == "TLS13");
  REQUIRE(c->headers.size() == 2);
  CHECK(c->headers[0] == std::pair<std::string, std::string>{"X-Frame-Options", "deny"});
  REQUIRE(c->basic_auth_users.size() == 2);
  CHECK(c->basic_auth_users.at("prometheus") == y_hash);
  CHECK(BcryptMatches("secret", y_hash));
  CHECK_FALSE(BcryptMatches("Secret", y_hash));
}

TEST_CASE("Web config: an empty file means plain HTTP without authentication",
          "[common][web_config]") {
  ScopedTempDir dir;
  auto c = LoadWebConfigFile(dir.Write("web.yml", ""));
  REQUIRE(c.ok());
  CHECK_FALSE(c->tls.enabled());
  CHECK(c->basic_auth_users.empty());
}

TEST_CASE("Web config: errors name the file, line and field", "[common][web_config]") {
  ScopedTempDir dir;
  KeyPair server = MakeSelfSigned("collector");
  KeyPair other = MakeSelfSigned("other");
  const std::string cert = dir.Write("server.pem", server.cert_pem);
  const std::string key = dir.Write("server.key", server.key_pem);
  const std::string other_key = dir.Write("other.key", other.key_pem);
  const std::string garbage = dir.Write("garbage.pem", "not a certificate\n");
  struct Case {
    std::string text;
    std::string want;
  };
  const Case cases[] = {
      {"tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key + "\n  ciphers: x\n",
       "web.yml:4: field \"tls_server_config.ciphers\": unknown key"},
      {"basic_auth_user:\n  a: b\n", "web.yml:1: field \"basic_auth_user\": unknown key"},
      {"tls_server_config:\n  cert: inline\n",
       "field \"tls_server_config.cert\": not supported by hostmon"},
      {"rate_limit:\n  burst: 1\n", "field \"rate_limit\": not supported"},
      {"http_server_config:\n  headers:\n    X-Powered-By: me\n",
       "field \"http_server_config.headers.X-Powered-By\": unknown header"},
      {"basic_auth_users:\n  alice: plaintext-password\n",
       "web.yml:2: field \"basic_auth_users.alice\": not a bcrypt hash"},
      {"basic_auth_users:\n  alice: $2y$10$short\n", "field \"basic_auth_users.alice\""},
      {"basic_auth_users:\n  alice: [1]\n", "field \"basic_auth_users\""},
      {"tls_server_config:\n  cert_file: " + cert + "\n",
       "field \"tls_server_config.key_file\": missing"},
      {"tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + other_key + "\n",
       "field \"tls_server_config.key_file\": " + other_key + " does not match the certificate"},
      {"tls_server_config:\n  cert_file: " + garbage + "\n  key_file: " + key + "\n",
       "field \"tls_server_config.cert_file\": cannot load " + garbage},
      {"tls_server_config:\n  cert_file: " + dir.File("missing.pem") + "\n  key_file: " + key +
           "\n",
       "field \"tls_server_config.cert_file\": cannot load " + dir.File("missing.pem")},
      {"tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key +
           "\n  client_ca_file: " + cert + "\n",
       "field \"tls_server_config.client_ca_file\": set without a client_auth_type"},
      {"tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key +
           "\n  client_auth_type: RequireAndVerifyClientCert\n",
       "RequireAndVerifyClientCert needs client_ca_file"},
      {"tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key +
           "\n  client_auth_type: Always\n",
       "field \"tls_server_config.client_auth_type\": \"Always\" is not one of"},
      {"tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key +
           "\n  min_version: TLS14\n",
       "field \"tls_server_config.min_version\": \"TLS14\" is not one of"},
      {"tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key +
           "\n  min_version: TLS13\n  max_version: TLS12\n",
       "field \"tls_server_config.max_version\": below min_version"},
      {"tls_server_config: [\n", "web.yml"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const std::string path = dir.Write("web.yml", c.text);
    auto loaded = LoadWebConfigFile(path);
    REQUIRE_FALSE(loaded.ok());
    INFO(loaded.status().message());
    CHECK(absl::StrContains(loaded.status().message(), c.want));
    CHECK(absl::StrContains(loaded.status().message(), path));
  }
}

TEST_CASE("Web config: a missing file is an error naming it", "[common][web_config]") {
  ScopedTempDir dir;
  auto c = LoadWebConfigFile(dir.File("nope.yml"));
  REQUIRE_FALSE(c.ok());
  CHECK(absl::StrContains(c.status().message(), dir.File("nope.yml")));
}

TEST_CASE("Basic auth: right, wrong, unknown and malformed credentials", "[common][web_config]") {
  BasicAuthenticator auth({{"alice", SecretHash()}});
  REQUIRE(auth.enabled());
  CHECK(auth.Check(Basic("alice", "secret")));
  CHECK(auth.Check("basic " + absl::Base64Escape("alice:secret")));  // scheme case-insensitive
  CHECK_FALSE(auth.Check(Basic("alice", "wrong")));
  CHECK_FALSE(auth.Check(Basic("alice", "")));
  CHECK_FALSE(auth.Check(Basic("bob", "secret")));
  CHECK_FALSE(auth.Check(""));
  CHECK_FALSE(auth.Check("Bearer abc"));
  CHECK_FALSE(auth.Check("Basic !!!not-base64"));
  CHECK_FALSE(auth.Check("Basic " + absl::Base64Escape("no-colon")));
  // A user named in the password: the password is everything after the first colon.
  BasicAuthenticator colon({{"u", *BcryptHash("a:b", 4)}});
  CHECK(colon.Check(Basic("u", "a:b")));
}

TEST_CASE(
    "Basic auth: a verified password is cached, wrong ones and unknown users always pay "
    "bcrypt",
    "[common][web_config]") {
  BasicAuthenticator auth({{"alice", SecretHash()}});
  CHECK(auth.Check(Basic("alice", "secret")));
  const int64_t after_first = auth.bcrypt_runs();
  CHECK(after_first == 1);
  for (int i = 0; i < 5; ++i) CHECK(auth.Check(Basic("alice", "secret")));
  CHECK(auth.bcrypt_runs() == after_first);
  CHECK_FALSE(auth.Check(Basic("alice", "wrong")));
  CHECK_FALSE(auth.Check(Basic("alice", "wrong")));
  CHECK(auth.bcrypt_runs() == after_first + 2);
  // An unknown user runs bcrypt against the dummy hash, like a wrong password.
  CHECK_FALSE(auth.Check(Basic("mallory", "secret")));
  CHECK(auth.bcrypt_runs() == after_first + 3);
}

TEST_CASE("Basic auth: no users means no authentication", "[common][web_config]") {
  BasicAuthenticator auth({});
  CHECK_FALSE(auth.enabled());
  CHECK(auth.Check(""));
}

TEST_CASE("bcrypt: malformed hashes never match", "[common][web_config]") {
  CHECK_FALSE(BcryptMatches("secret", ""));
  CHECK_FALSE(BcryptMatches("secret", "secret"));
  CHECK_FALSE(BcryptMatches("", "*0"));
  std::string h = SecretHash();
  CHECK(BcryptMatches("secret", h));
  h[1] = '1';  // $1$: MD5-crypt is not accepted even if libcrypt could check it
  CHECK_FALSE(BcryptMatches("secret", h));
}

}  // namespace
}  // namespace hostmon::common
