// SPDX-License-Identifier: Apache-2.0
//
// Which host names an agent may claim in its Hello, decided from its client certificate (mTLS).
// Without a binding, any holder of a valid client certificate could speak for any host: overwrite
// its series and relabel them. With mTLS the names an agent may use come from its certificate:
// the SAN DNS names, or the subject CN when it has none, mapped by the configured mode:
//   exact   the host name is one of the certificate's names (the default with mTLS)
//   suffix  the host name plus `suffix` is one of them ("web1" for "web1.agents.example.org")
//   regex   a certificate name fully matches the RE2 `regex`; its first capture group (the whole
//           name without a group) is the host name
//   any     the certificate only authenticates; host names are trusted as claimed
// and, before any mode, a fingerprints file: a certificate whose SHA-256 fingerprint is listed
// there (a certificate shared by several hosts) may claim exactly the names listed with it.
// Without mTLS (plaintext on loopback, or TLS without client certificates) there is no peer
// identity and host names are trusted as claimed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"
#include "re2/re2.h"

namespace hostmon::collector {

struct IdentityConfig {
  std::string mode = "exact";  // exact, suffix, regex, any
  std::string suffix;          // mode suffix
  std::string regex;           // mode regex
  std::string fingerprints_file;
};

// The identity a client certificate carries.
struct PeerCertificate {
  bool present = false;            // false: no client certificate (no mTLS)
  std::vector<std::string> names;  // SAN DNS names; the CN if there are none
  std::string sha256;              // lowercase hex of the DER certificate's SHA-256
};

// Reads the peer's certificate from a gRPC auth context (x509_pem_cert, peer_dns /
// x509_subject_alternative_name, x509_common_name).
PeerCertificate PeerCertificateOf(const grpc::AuthContext& context);

// SHA-256 of the DER form of a PEM certificate, lowercase hex; "" if it does not parse.
std::string CertificateSha256(absl::string_view pem);

class IdentityPolicy {
 public:
  // Checks the mode and its parameters and reads the fingerprints file. Errors name the key or
  // the file and line.
  static absl::StatusOr<std::unique_ptr<IdentityPolicy>> Create(const IdentityConfig& config);

  // OK if `cert` may speak for `host_name`; PermissionDenied naming the claimed name and the
  // certificate's names otherwise. A missing certificate is OK (no mTLS: names are trusted).
  absl::Status Authorize(const PeerCertificate& cert, absl::string_view host_name) const;

 private:
  IdentityPolicy() = default;
  // The host names a certificate name maps to under the mode ("" when it maps to none).
  std::string MapName(const std::string& cert_name) const;

  IdentityConfig config_;
  std::unique_ptr<RE2> regex_;
  absl::flat_hash_map<std::string, std::vector<std::string>> fingerprints_;
};

// Parses a fingerprints file: one certificate per line, `<sha256> <host> [<host>...]`, the
// fingerprint in hex with or without colons (as `openssl x509 -fingerprint -sha256` prints it,
// with or without its "sha256 Fingerprint=" prefix); blank lines and `#` comments are skipped.
// `file` names the source in errors.
absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>> ParseFingerprints(
    absl::string_view text, absl::string_view file);

absl::Status ValidateIdentityConfig(const IdentityConfig& config);

}  // namespace hostmon::collector
