// SPDX-License-Identifier: Apache-2.0
//
// HttpTransport over libcurl: http and https (system CAs, or a given CA file), optional bearer
// token file or basic auth for Alertmanagers behind a proxy, a hard per-request timeout.
#pragma once

#include <string>

#include "collector/alerting/alertmanager_client.h"

namespace hostmon::collector::alerting {

struct HttpClientOptions {
  std::string ca_file;            // PEM bundle that verifies https servers; empty: system CAs
  std::string bearer_token_file;  // re-read at every request (tokens rotate)
  std::string basic_auth_username;
  std::string basic_auth_password_file;  // re-read at every request
};

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(HttpClientOptions options);
  absl::StatusOr<HttpResponse> PostJson(const std::string& url, const std::string& body,
                                        absl::Duration timeout) override;

 private:
  const HttpClientOptions options_;
};

// Checks that the files the options name are readable (for config validation).
absl::Status ValidateHttpClientOptions(const HttpClientOptions& options);

}  // namespace hostmon::collector::alerting
