// SPDX-License-Identifier: Apache-2.0
//
// The Alertmanager client's HttpTransport over the collector's HTTP client
// (common/http/http_client.h: TLS, bearer token or basic auth from files re-read per request).
#pragma once

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "collector/alerting/alertmanager_client.h"
#include "common/http/http_client.h"

namespace hostmon::collector::alerting {

class CurlTransport : public HttpTransport {
 public:
  // The options are not validated here: AlertingService validates them with its config.
  explicit CurlTransport(common::HttpClientOptions options) : client_(std::move(options)) {}
  absl::StatusOr<HttpResponse> PostJson(const std::string& url, const std::string& body,
                                        absl::Duration timeout) override {
    absl::StatusOr<HttpResponse> r = client_.Post(url, body, "application/json", {}, timeout);
    if (!r.ok())
      return absl::Status(r.status().code(),
                          absl::StrCat("POST ", url, ": ", r.status().message()));
    return r;
  }

 private:
  common::HttpClient client_;
};

}  // namespace hostmon::collector::alerting
