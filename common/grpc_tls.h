// SPDX-License-Identifier: Apache-2.0
//
// gRPC credentials for both ends, built from PEM files. Policy, shared by agent and collector:
// TLS when a certificate or CA is configured; mutual TLS on the collector when it has a CA;
// plaintext only to/on loopback addresses or Unix sockets (logged as a warning), never across a
// network.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace hostmon::common {

struct TlsFiles {
  std::string cert_file;  // PEM certificate chain presented to the peer
  std::string key_file;   // PEM private key of cert_file
  std::string ca_file;    // PEM CA bundle that verifies the peer
  // Agent only: name expected in the collector's certificate when it differs from the address.
  std::string server_name;

  bool any() const { return !cert_file.empty() || !key_file.empty() || !ca_file.empty(); }
};

// True for "127.x.x.x:port", "[::1]:port", "localhost:port" and "unix:..." targets.
bool IsLoopbackAddress(absl::string_view address);

// Server side. With ca_file set, client certificates are required and verified (mTLS).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& tls, absl::string_view listen_address);

// Client side. With only ca_file the client verifies the server; cert/key add a client identity.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsFiles& tls, absl::string_view target);

}  // namespace hostmon::common
