// SPDX-License-Identifier: Apache-2.0
#include "common/grpc_tls.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/fs_root.h"
#include "common/log.h"
#include "common/secret_file.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace hostmon::common {
namespace {

// `path` may name a systemd credential ("%d/NAME", common/secret_file.h).
absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  absl::StatusOr<std::string> file = ExpandCredentialPath(path);
  if (!file.ok())
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", file.status().message()));
  std::string pem;
  absl::Status s = ReadFileTo(*file, &pem);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", s.message()));
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", path, " is not a PEM file"));
  }
  return pem;
}

absl::string_view HostOf(absl::string_view address) {
  if (absl::StartsWith(address, "dns:///")) address.remove_prefix(7);
  if (absl::StartsWith(address, "ipv4:")) address.remove_prefix(5);
  if (absl::StartsWith(address, "ipv6:")) address.remove_prefix(5);
  if (!address.empty() && address[0] == '[') {
    size_t end = address.find(']');
    return end == absl::string_view::npos ? address : address.substr(1, end - 1);
  }
  size_t colon = address.rfind(':');
  return colon == absl::string_view::npos ? address : address.substr(0, colon);
}

// Start-up checks the credentials before it builds them for real (the agent's and the
// collector's --check-config run the same checks), so each warning is logged once per process.
void WarnOnce(absl::string_view message, const std::string& fields) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* logged = new std::set<std::string>();
  absl::MutexLock lock(&mu);
  if (logged->insert(absl::StrCat(message, fields)).second) log::Warn(message, fields);
}

}  // namespace

bool IsLoopbackAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:")) return true;
  std::string host(HostOf(address));
  if (host == "localhost") return true;
  // Literal addresses only: a DNS name such as "127.example.org" can resolve anywhere.
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& tls, absl::string_view listen_address) {
  if (!tls.any()) {
    if (!IsLoopbackAddress(listen_address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to serve gRPC without TLS on non-loopback address ", listen_address,
          ": set --tls.cert-file and --tls.key-file (and --tls.ca-file for mTLS)"));
    }
    WarnOnce("gRPC listener uses plaintext (allowed on loopback only)",
             log::Kv("address", listen_address));
    return grpc::InsecureServerCredentials();
  }
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::InvalidArgumentError("TLS on the collector needs both a cert file and a key file");
  }
  auto cert = ReadPem(tls.cert_file, "tls cert file");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(tls.key_file, "tls key file");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions opts(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (!tls.ca_file.empty()) {
    auto ca = ReadPem(tls.ca_file, "tls CA file");
    if (!ca.ok()) return ca.status();
    opts.pem_root_certs = *ca;
    opts.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  } else {
    WarnOnce("TLS without a CA file: agents are not authenticated (set --tls.ca-file for mTLS)",
             "");
  }
  opts.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(opts);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsFiles& tls, absl::string_view target) {
  if (!tls.any()) {
    if (!IsLoopbackAddress(target)) {
      return absl::InvalidArgumentError(
          absl::StrCat("refusing to send without TLS to non-loopback collector ", target,
                       ": set --tls.ca-file (and --tls.cert-file/--tls.key-file for mTLS)"));
    }
    WarnOnce("collector connection uses plaintext (allowed on loopback only)",
             log::Kv("collector", target));
    return grpc::InsecureChannelCredentials();
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError("a client certificate needs both a cert file and a key file");
  }
  grpc::SslCredentialsOptions opts;
  if (!tls.ca_file.empty()) {
    auto ca = ReadPem(tls.ca_file, "tls CA file");
    if (!ca.ok()) return ca.status();
    opts.pem_root_certs = *ca;
  }
  if (!tls.cert_file.empty()) {
    auto cert = ReadPem(tls.cert_file, "tls cert file");
    if (!cert.ok()) return cert.status();
    auto key = ReadPem(tls.key_file, "tls key file");
    if (!key.ok()) return key.status();
    opts.pem_cert_chain = *cert;
    opts.pem_private_key = *key;
  }
  return grpc::SslCredentials(opts);
}

}  // namespace hostmon::common
