// SPDX-License-Identifier: Apache-2.0
#include "collector/identity.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/host_identity.h"
#include "common/secret_file.h"

namespace hostmon::collector {
namespace {

std::vector<std::string> Property(const grpc::AuthContext& context, const char* name) {
  std::vector<std::string> out;
  for (const grpc::string_ref& v : context.FindPropertyValues(name)) {
    out.emplace_back(v.data(), v.size());
  }
  return out;
}

bool IsHex(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isxdigit(c); });
}

}  // namespace

std::string CertificateSha256(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return "";
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  const bool ok = X509_digest(cert, EVP_sha256(), md, &n) == 1;
  X509_free(cert);
  if (!ok) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

PeerCertificate PeerCertificateOf(const grpc::AuthContext& context) {
  PeerCertificate cert;
  std::vector<std::string> pem = Property(context, GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pem.empty()) return cert;  // no client certificate: plaintext or TLS without mTLS
  cert.present = true;
  cert.sha256 = CertificateSha256(pem.front());
  // peer_dns holds the SAN DNS names only; x509_subject_alternative_name may also hold IP
  // addresses, e-mail addresses and URIs.
  cert.names = Property(context, GRPC_PEER_DNS_PROPERTY_NAME);
  if (cert.names.empty()) cert.names = Property(context, GRPC_X509_SAN_PROPERTY_NAME);
  if (cert.names.empty()) cert.names = Property(context, GRPC_X509_CN_PROPERTY_NAME);
  return cert;
}

absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>> ParseFingerprints(
    absl::string_view text, absl::string_view file) {
  absl::flat_hash_map<std::string, std::vector<std::string>> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    auto err = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":", line_no, ": ", what));
    };
    // `openssl x509 -fingerprint -sha256` prints "sha256 Fingerprint=AB:CD:...".
    if (fields.size() > 1 && absl::EqualsIgnoreCase(fields[0], "sha256") &&
        absl::StartsWithIgnoreCase(fields[1], "fingerprint=")) {
      fields.erase(fields.begin());
    }
    absl::string_view fp = fields.front();
    if (size_t eq = fp.find('='); eq != absl::string_view::npos) fp = fp.substr(eq + 1);
    std::string hex = absl::AsciiStrToLower(absl::StrReplaceAll(fp, {{":", ""}}));
    if (hex.size() != 64 || !IsHex(hex)) {
      return err("expected a SHA-256 fingerprint (64 hex digits, colons allowed) first");
    }
    if (fields.size() < 2) return err("expected one or more host names after the fingerprint");
    if (out.contains(hex)) return err("fingerprint listed twice");
    std::vector<std::string>& names = out[hex];
    for (size_t i = 1; i < fields.size(); ++i) {
      if (absl::Status s = common::ValidateHostName(fields[i]); !s.ok()) {
        return err(absl::StrCat("host name: ", s.message()));
      }
      names.emplace_back(fields[i]);
    }
  }
  return out;
}

absl::Status ValidateIdentityConfig(const IdentityConfig& c) {
  if (c.mode == "suffix") {
    if (c.suffix.empty()) {
      return absl::InvalidArgumentError("grpc.identity.suffix must be set for mode \"suffix\"");
    }
  } else if (c.mode == "regex") {
    RE2 re(c.regex);
    if (c.regex.empty() || !re.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("grpc.identity.regex \"", c.regex,
                       "\" is not a valid RE2 pattern: ", c.regex.empty() ? "empty" : re.error()));
    }
    if (re.NumberOfCapturingGroups() > 1) {
      return absl::InvalidArgumentError(
          "grpc.identity.regex: at most one capture group (the host name)");
    }
  } else if (c.mode != "exact" && c.mode != "any") {
    return absl::InvalidArgumentError(
        absl::StrCat("grpc.identity.mode \"", c.mode, "\": expected exact, suffix, regex or any"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<IdentityPolicy>> IdentityPolicy::Create(const IdentityConfig& c) {
  if (absl::Status s = ValidateIdentityConfig(c); !s.ok()) return s;
  std::unique_ptr<IdentityPolicy> p(new IdentityPolicy());
  p->config_ = c;
  if (c.mode == "regex") p->regex_ = std::make_unique<RE2>(c.regex);
  if (!c.fingerprints_file.empty()) {
    absl::StatusOr<std::string> path = common::ExpandCredentialPath(c.fingerprints_file);
    if (!path.ok()) return path.status();
    absl::StatusOr<std::string> text = common::ReadSecretFile(*path);
    if (!text.ok()) {
      return absl::Status(text.status().code(), absl::StrCat("grpc.identity.fingerprints_file: ",
                                                             text.status().message()));
    }
    auto fps = ParseFingerprints(*text, *path);
    if (!fps.ok()) return fps.status();
    p->fingerprints_ = *std::move(fps);
  }
  return p;
}

std::string IdentityPolicy::MapName(const std::string& name) const {
  if (config_.mode == "exact") return name;
  if (config_.mode == "suffix") {
    absl::string_view host = name;
    if (!absl::ConsumeSuffix(&host, config_.suffix) || host.empty()) return "";
    return std::string(host);
  }
  if (config_.mode == "regex") {
    if (regex_->NumberOfCapturingGroups() == 0) {
      return RE2::FullMatch(name, *regex_) ? name : "";
    }
    std::string host;
    return RE2::FullMatch(name, *regex_, &host) ? host : "";
  }
  return "";
}

absl::Status IdentityPolicy::Authorize(const PeerCertificate& cert,
                                       absl::string_view host_name) const {
  if (!cert.present) return absl::OkStatus();
  std::vector<std::string> allowed;
  std::string how;
  if (auto it = fingerprints_.find(cert.sha256); it != fingerprints_.end()) {
    allowed = it->second;
    how = "listed for its fingerprint in grpc.identity.fingerprints_file";
  } else if (config_.mode == "any") {
    return absl::OkStatus();
  } else {
    for (const std::string& n : cert.names) {
      std::string host = MapName(n);
      if (!host.empty()) allowed.push_back(std::move(host));
    }
    how = absl::StrCat("mapped by grpc.identity.mode ", config_.mode);
  }
  if (std::find(allowed.begin(), allowed.end(), host_name) != allowed.end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "host name \"", absl::CHexEscape(host_name.substr(0, 253)),
      "\" does not match the client certificate (names: ",
      cert.names.empty() ? "none" : absl::StrJoin(cert.names, ", "), "; host names allowed, ", how,
      ": ", allowed.empty() ? "none" : absl::StrJoin(allowed, ", "), ")"));
}

}  // namespace hostmon::collector
