// SPDX-License-Identifier: Apache-2.0
//
// The web configuration file (--web.config.file) in the format of Prometheus's exporter-toolkit
// (docs/web-configuration.md there), so one file serves Prometheus, node_exporter and hostmon:
//
//   tls_server_config: {cert_file, key_file, client_ca_file, client_auth_type, min_version,
//                       max_version}
//   http_server_config: {http2, headers: {Content-Security-Policy, X-Frame-Options, ...}}
//   basic_auth_users: {name: bcrypt hash}
//
// Relative file names are relative to the directory of the web config file (as exporter-toolkit
// does). A key this format does not have is an error naming it; a key of the format that hostmon
// does not implement (inline cert/key, cipher_suites, rate_limit, ...) is an error saying so, so a
// file never silently means less than it says. Loading checks what a start would: the TLS files
// are read and the key must match the certificate; every hash is a bcrypt hash.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace hostmon::common {

struct WebTlsConfig {
  std::string cert_file;  // empty: plain HTTP
  std::string key_file;
  std::string client_ca_file;
  // Go's crypto/tls ClientAuthType names: NoClientCert, RequestClientCert, RequireAnyClientCert,
  // VerifyClientCertIfGiven, RequireAndVerifyClientCert.
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  // TLS10, TLS11, TLS12, TLS13
  std::string max_version = "TLS13";
  bool enabled() const { return !cert_file.empty(); }
};

struct WebConfig {
  std::string file;  // where it was loaded from ("" when no file: plain HTTP, no auth)
  WebTlsConfig tls;
  // Extra response headers (http_server_config.headers), in file order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::map<std::string, std::string> basic_auth_users;  // name -> bcrypt hash
};

// Reads and checks the file (see the top of this header). Errors name the file and the field.
absl::StatusOr<WebConfig> LoadWebConfigFile(const std::string& path);
// For tests: parses `text` as if it were the file `path` (relative names resolve against its
// directory; the TLS files named must exist).
absl::StatusOr<WebConfig> ParseWebConfig(const std::string& text, const std::string& path);

// The server's OpenSSL context for `tls` (enabled()): certificate chain, key (checked against the
// certificate), client CA and verification mode, protocol versions. Errors name the field and
// file. Paths may be systemd credentials ("%d/NAME").
absl::StatusOr<std::shared_ptr<ssl_ctx_st>> NewServerTlsContext(const WebTlsConfig& tls);

// Checks HTTP basic auth credentials against WebConfig::basic_auth_users.
//
// bcrypt is slow on purpose (cost 10: ~70 ms), so a verified (user, password, hash) is
// remembered, keyed by its SHA-256, and the next scrape with the same credentials costs a hash
// lookup (exporter-toolkit caches the same way). A wrong password is never cached; an unknown user
// is checked against a dummy hash of the highest cost in the file, so both take the same time and
// a client cannot probe which user names exist. bcrypt runs one at a time: a flood of wrong
// passwords costs at most one core, and cached clients never wait for it.
class BasicAuthenticator {
 public:
  explicit BasicAuthenticator(std::map<std::string, std::string> users);
  bool enabled() const { return !users_.empty(); }
  // `authorization` is the Authorization header's value ("" if none).
  bool Check(absl::string_view authorization);
  // bcrypt verifications done so far (tests use it to see the cache work).
  int64_t bcrypt_runs() const;

 private:
  const std::map<std::string, std::string> users_;
  std::string dummy_hash_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<std::string> verified_ ABSL_GUARDED_BY(mu_);
  absl::Mutex bcrypt_mu_;
  int64_t bcrypt_runs_ ABSL_GUARDED_BY(mu_) = 0;
};

// bcrypt via libxcrypt: true when `password` hashes to `hash` ($2a$, $2b$ or $2y$), compared in
// constant time. A malformed hash never matches.
bool BcryptMatches(const std::string& password, const std::string& hash);
// A new bcrypt ($2b$) hash of `password` with `cost` (4..31), for tests and the dummy hash.
absl::StatusOr<std::string> BcryptHash(const std::string& password, int cost);

}  // namespace hostmon::common
