// SPDX-License-Identifier: Apache-2.0
#include "common/http/web_config.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/secret_file.h"
#include "common/yaml_config.h"

namespace hostmon::common {
namespace {

// Keys of exporter-toolkit's format that hostmon does not implement: refused by name rather than
// reported as unknown, so the message says what to change.
constexpr absl::string_view kUnsupportedTls[] = {"cert",
                                                 "key",
                                                 "client_ca",
                                                 "client_allowed_sans",
                                                 "cipher_suites",
                                                 "prefer_server_cipher_suites",
                                                 "curve_preferences"};
constexpr absl::string_view kHeaderNames[] = {"Content-Security-Policy", "X-Frame-Options",
                                              "X-Content-Type-Options", "X-XSS-Protection",
                                              "Strict-Transport-Security"};

std::string OpenSslError() {
  unsigned long e = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

// "$2b$10$" + 53 characters of bcrypt's base64 alphabet.
bool IsBcryptHash(absl::string_view h, int* cost) {
  if (h.size() != 60 || h[0] != '$' || h[1] != '2' || (h[2] != 'a' && h[2] != 'b' && h[2] != 'y') ||
      h[3] != '$' || h[6] != '$') {
    return false;
  }
  if (!absl::SimpleAtoi(h.substr(4, 2), cost) || *cost < 4 || *cost > 31) return false;
  for (char c : h.substr(7)) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/')) return false;
  }
  return true;
}

int TlsVersion(absl::string_view name) {
  if (name == "TLS10") return TLS1_VERSION;
  if (name == "TLS11") return TLS1_1_VERSION;
  if (name == "TLS12") return TLS1_2_VERSION;
  if (name == "TLS13") return TLS1_3_VERSION;
  return 0;
}

absl::Status LoadTls(const YamlConfig& y, const YAML::Node& root, const std::string& path,
                     WebTlsConfig* tls) {
  YAML::Node t;
  absl::Status s = y.GetMap(root, "tls_server_config", "", &t);
  if (!s.ok() || !t) return s;
  for (const auto& kv : t) {
    const std::string key = kv.first.as<std::string>("");
    if (std::find(std::begin(kUnsupportedTls), std::end(kUnsupportedTls), key) !=
        std::end(kUnsupportedTls)) {
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(kv.first), ": field \"tls_server_config.", key,
                       "\": not supported by hostmon (use cert_file, key_file, client_ca_file)"));
    }
  }
  if (s = y.CheckKeys(t, "tls_server_config",
                      {"cert_file", "key_file", "client_ca_file", "client_auth_type", "min_version",
                       "max_version"});
      !s.ok()) {
    return s;
  }
  for (auto [key, out] :
       {std::pair{"cert_file", &tls->cert_file}, std::pair{"key_file", &tls->key_file},
        std::pair{"client_ca_file", &tls->client_ca_file}}) {
    if (s = y.GetString(t, key, "tls_server_config", out); !s.ok()) return s;
    *out = ResolveRelativeTo(path, *out);
  }
  for (auto [key, out] :
       {std::pair{"client_auth_type", &tls->client_auth_type},
        std::pair{"min_version", &tls->min_version}, std::pair{"max_version", &tls->max_version}}) {
    if (s = y.GetString(t, key, "tls_server_config", out); !s.ok()) return s;
  }
  auto field_error = [&](const char* key, absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(
        y.Where(t[key] ? t[key] : t), ": field \"tls_server_config.", key, "\": ", what));
  };
  if (tls->cert_file.empty() != tls->key_file.empty()) {
    return tls->cert_file.empty() ? field_error("cert_file", "missing (key_file is set)")
                                  : field_error("key_file", "missing (cert_file is set)");
  }
  if (!tls->cert_file.empty() || !tls->client_ca_file.empty()) {
    if (tls->cert_file.empty()) return field_error("cert_file", "missing (client_ca_file is set)");
  }
  const std::string& auth = tls->client_auth_type;
  if (auth != "NoClientCert" && auth != "RequestClientCert" && auth != "RequireAnyClientCert" &&
      auth != "VerifyClientCertIfGiven" && auth != "RequireAndVerifyClientCert") {
    return field_error("client_auth_type",
                       absl::StrCat("\"", auth,
                                    "\" is not one of NoClientCert, RequestClientCert, "
                                    "RequireAnyClientCert, VerifyClientCertIfGiven, "
                                    "RequireAndVerifyClientCert"));
  }
  if (auth != "NoClientCert" && tls->cert_file.empty()) {
    return field_error("client_auth_type", "needs cert_file and key_file (TLS)");
  }
  if (!tls->client_ca_file.empty() && auth == "NoClientCert") {
    return field_error("client_ca_file",
                       "set without a client_auth_type that checks client certificates (use "
                       "RequireAndVerifyClientCert)");
  }
  if ((auth == "VerifyClientCertIfGiven" || auth == "RequireAndVerifyClientCert") &&
      tls->client_ca_file.empty()) {
    return field_error("client_auth_type", absl::StrCat(auth, " needs client_ca_file"));
  }
  for (const char* key : {"min_version", "max_version"}) {
    const std::string& v = key[1] == 'i' ? tls->min_version : tls->max_version;
    if (TlsVersion(v) == 0) {
      return field_error(key, absl::StrCat("\"", v, "\" is not one of TLS10, TLS11, TLS12, TLS13"));
    }
  }
  if (TlsVersion(tls->min_version) > TlsVersion(tls->max_version)) {
    return field_error("max_version", "below min_version");
  }
  return absl::OkStatus();
}

absl::Status LoadHttpServerConfig(const YamlConfig& y, const YAML::Node& root, WebConfig* c) {
  YAML::Node h, headers;
  absl::Status s = y.GetMap(root, "http_server_config", "", &h);
  if (!s.ok() || !h) return s;
  if (s = y.CheckKeys(h, "http_server_config", {"http2", "headers"}); !s.ok()) return s;
  // HTTP/2 is off whatever the value: the server speaks HTTP/1.1 (Prometheus scrapes with it).
  bool http2 = false;
  if (s = y.GetBool(h, "http2", "http_server_config", &http2); !s.ok()) return s;
  if (s = y.GetMap(h, "headers", "http_server_config", &headers); !s.ok() || !headers) return s;
  for (const auto& kv : headers) {
    const std::string name = kv.first.as<std::string>("");
    if (std::find(std::begin(kHeaderNames), std::end(kHeaderNames), name) ==
        std::end(kHeaderNames)) {
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(kv.first), ": field \"http_server_config.headers.", name,
                       "\": unknown header (allowed: Content-Security-Policy, X-Frame-Options, "
                       "X-Content-Type-Options, X-XSS-Protection, Strict-Transport-Security)"));
    }
    std::string value;
    if (s = y.GetString(headers, name, "http_server_config.headers", &value); !s.ok()) return s;
    if (value.find_first_of("\r\n") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(y.Where(kv.second),
                                                     ": field \"http_server_config.headers.", name,
                                                     "\": must be one line"));
    }
    if (!value.empty()) c->headers.emplace_back(name, value);
  }
  return absl::OkStatus();
}

absl::Status LoadImpl(const YamlConfig& y, const std::string& path, WebConfig* c) {
  const YAML::Node& root = y.root();
  if (root["rate_limit"]) {
    return absl::InvalidArgumentError(absl::StrCat(
        y.Where(root["rate_limit"]),
        ": field \"rate_limit\": not supported by hostmon (connections and request time are "
        "limited by --web.max-connections and --web.read-timeout)"));
  }
  absl::Status s =
      y.CheckKeys(root, "", {"tls_server_config", "http_server_config", "basic_auth_users"});
  if (!s.ok()) return s;
  if (s = LoadTls(y, root, path, &c->tls); !s.ok()) return s;
  if (s = LoadHttpServerConfig(y, root, c); !s.ok()) return s;
  if (s = y.GetStringMap(root, "basic_auth_users", "", &c->basic_auth_users); !s.ok()) return s;
  for (const auto& [user, hash] : c->basic_auth_users) {
    int cost = 0;
    if (user.empty() || user.find(':') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(path,
                                                     ": field \"basic_auth_users\": user name \"",
                                                     user, "\" must be non-empty and without ':'"));
    }
    if (!IsBcryptHash(hash, &cost)) {
      return absl::InvalidArgumentError(absl::StrCat(
          y.Where(root["basic_auth_users"][user]), ": field \"basic_auth_users.", user,
          "\": not a bcrypt hash ($2y$, $2b$ or $2a$, cost 04..31, 60 characters); make one with "
          "`htpasswd -nBC 10 \"\" | tr -d ':\\n'`"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<WebConfig> FromYaml(const YamlConfig& y, const std::string& path) {
  WebConfig c;
  c.file = path;
  try {
    if (absl::Status s = LoadImpl(y, path, &c); !s.ok()) return s;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": invalid web config: ", e.what()));
  }
  // What a start does with the TLS files, so --check-config catches a wrong key or CA too.
  if (c.tls.enabled()) {
    if (auto ctx = NewServerTlsContext(c.tls); !ctx.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", ctx.status().message()));
    }
  }
  return c;
}

}  // namespace

absl::StatusOr<WebConfig> ParseWebConfig(const std::string& text, const std::string& path) {
  auto y = YamlConfig::Parse(text, path);
  if (!y.ok()) return y.status();
  return FromYaml(*y, path);
}

absl::StatusOr<WebConfig> LoadWebConfigFile(const std::string& path) {
  auto y = YamlConfig::Load(path);
  if (!y.ok()) return y.status();
  return FromYaml(*y, path);
}

absl::StatusOr<std::shared_ptr<ssl_ctx_st>> NewServerTlsContext(const WebTlsConfig& tls) {
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (ctx == nullptr) return absl::InternalError("cannot create a TLS context: " + OpenSslError());
  SSL_CTX_set_min_proto_version(ctx.get(), TlsVersion(tls.min_version));
  SSL_CTX_set_max_proto_version(ctx.get(), TlsVersion(tls.max_version));
  // No renegotiation (a client could make the server redo handshakes), no compression (CRIME).
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  ERR_clear_error();
  for (auto [key, file] :
       {std::pair{"cert_file", &tls.cert_file}, std::pair{"key_file", &tls.key_file},
        std::pair{"client_ca_file", &tls.client_ca_file}}) {
    if (file->empty()) continue;
    auto expanded = ExpandCredentialPath(*file);
    if (!expanded.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field \"tls_server_config.", key, "\": ", expanded.status().message()));
    }
    int ok = 0;
    if (std::strcmp(key, "cert_file") == 0) {
      ok = SSL_CTX_use_certificate_chain_file(ctx.get(), expanded->c_str());
    } else if (std::strcmp(key, "key_file") == 0) {
      ok = SSL_CTX_use_PrivateKey_file(ctx.get(), expanded->c_str(), SSL_FILETYPE_PEM);
      if (ok != 1 && ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
        ERR_clear_error();
        return absl::InvalidArgumentError(
            absl::StrCat("field \"tls_server_config.key_file\": ", tls.key_file,
                         " does not match the certificate in ", tls.cert_file));
      }
    } else {
      ok = SSL_CTX_load_verify_locations(ctx.get(), expanded->c_str(), nullptr);
      if (ok == 1) {
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(expanded->c_str());
        if (names != nullptr) SSL_CTX_set_client_CA_list(ctx.get(), names);
      }
    }
    if (ok != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field \"tls_server_config.", key, "\": cannot load ", *file, ": ", OpenSslError()));
    }
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("field \"tls_server_config.key_file\": ", tls.key_file,
                     " does not match the certificate in ", tls.cert_file));
  }
  // Go's ClientAuthType in OpenSSL terms. Request/RequireAny ask for a certificate but accept any
  // (the callback overrides the verification result), as Go does.
  const std::string& auth = tls.client_auth_type;
  auto accept_any = [](int, X509_STORE_CTX*) { return 1; };
  if (auth == "RequestClientCert") {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, accept_any);
  } else if (auth == "RequireAnyClientCert") {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
  } else if (auth == "VerifyClientCertIfGiven") {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  } else if (auth == "RequireAndVerifyClientCert") {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  static const unsigned char kSessionContext[] = "hostmon-web";
  SSL_CTX_set_session_id_context(ctx.get(), kSessionContext, sizeof(kSessionContext) - 1);
  return ctx;
}

bool BcryptMatches(const std::string& password, const std::string& hash) {
  int cost = 0;
  if (!IsBcryptHash(hash, &cost)) return false;
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(*data));
  if (out == nullptr || out[0] == '*') return false;
  const size_t n = std::strlen(out);
  return n == hash.size() && CRYPTO_memcmp(out, hash.data(), n) == 0;
}

absl::StatusOr<std::string> BcryptHash(const std::string& password, int cost) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost),  // NOLINT(runtime/int)
                       nullptr, 0, setting, sizeof(setting)) == nullptr) {
    return absl::InternalError(absl::StrCat("bcrypt: cannot make a salt of cost ", cost));
  }
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(password.c_str(), setting, data.get(), sizeof(*data));
  if (out == nullptr || out[0] == '*') return absl::InternalError("bcrypt: hashing failed");
  return std::string(out);
}

BasicAuthenticator::BasicAuthenticator(std::map<std::string, std::string> users)
    : users_(std::move(users)) {
  int max_cost = 4;
  for (const auto& [user, hash] : users_) {
    int cost = 0;
    if (IsBcryptHash(hash, &cost)) max_cost = std::max(max_cost, cost);
  }
  if (!users_.empty()) {
    auto dummy = BcryptHash("hostmon: no such user", max_cost);
    // Fallback if libxcrypt refuses (it should not): a fixed well-formed hash of cost 10.
    dummy_hash_ =
        dummy.ok() ? *dummy : "$2b$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
  }
}

int64_t BasicAuthenticator::bcrypt_runs() const {
  absl::MutexLock lock(&mu_);
  return bcrypt_runs_;
}

bool BasicAuthenticator::Check(absl::string_view authorization) {
  if (users_.empty()) return true;
  // "Basic <base64(user:password)>"; the scheme is case-insensitive (RFC 7617).
  if (authorization.size() < 6 || !absl::EqualsIgnoreCase(authorization.substr(0, 6), "Basic ")) {
    return false;
  }
  std::string decoded;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(authorization.substr(6)), &decoded)) {
    return false;
  }
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  const std::string user = decoded.substr(0, colon);
  const std::string password = decoded.substr(colon + 1);
  auto it = users_.find(user);
  const bool known = it != users_.end();
  const std::string& hash = known ? it->second : dummy_hash_;
  // The cache key: SHA-256 over the three, so the cache holds no password.
  std::string key(EVP_MAX_MD_SIZE, '\0');
  unsigned int key_len = 0;
  const std::string material = absl::StrCat(user.size(), ":", user, hash, password);
  EVP_Digest(material.data(), material.size(), reinterpret_cast<unsigned char*>(key.data()),
             &key_len, EVP_sha256(), nullptr);
  key.resize(key_len);
  if (known) {
    absl::MutexLock lock(&mu_);
    if (verified_.contains(key)) return true;
  }
  bool ok;
  {
    absl::MutexLock bcrypt_lock(&bcrypt_mu_);
    ok = BcryptMatches(password, hash) && known;
    absl::MutexLock lock(&mu_);
    ++bcrypt_runs_;
  }
  if (ok) {
    absl::MutexLock lock(&mu_);
    // Bounded: only correct credentials get here, so the set holds one entry per user and
    // password in use; a rotation leaves the old entry until the bound clears it.
    if (verified_.size() >= 1024) verified_.clear();
    verified_.insert(std::move(key));
  }
  return ok;
}

}  // namespace hostmon::common
