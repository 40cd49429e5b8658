// SPDX-License-Identifier: Apache-2.0
//
// HTTP(S) for one Redfish service over libcurl's multi interface: requests run in parallel up to
// a cap, connections are kept in the multi handle between collections (keep-alive, one TLS
// handshake per connection, not per request), every request is bounded by the per-request
// timeout and by the collection deadline, whichever comes first.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/sources/redfish/redfish_config.h"

namespace hostmon::agent::redfish {

struct HttpRequest {
  std::string method = "GET";  // GET, POST (JSON body) or DELETE
  std::string path;            // service-relative, e.g. /redfish/v1/Chassis
  std::string body;
};

struct HttpResponse {
  long code = 0;
  std::string body;
  std::string location;    // Location header
  std::string auth_token;  // X-Auth-Token header
};

class HttpClient {
 public:
  // Bodies above this are an error: a Redfish resource is kilobytes; a runaway peer must not
  // grow the agent without bound.
  static constexpr size_t kMaxBody = 8 << 20;

  explicit HttpClient(const TargetConfig& config);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Runs the requests, at most max_parallel at once. Each result is the response (any HTTP
  // status) or an error: connection/TLS failure (Unavailable), request timeout or collection
  // deadline (DeadlineExceeded), body too large (ResourceExhausted).
  std::vector<absl::StatusOr<HttpResponse>> Run(const std::vector<HttpRequest>& requests,
                                                absl::Time deadline);

  // The session token sent as X-Auth-Token (auth session); empty sends none.
  void SetToken(std::string token) { token_ = std::move(token); }

 private:
  TargetConfig config_;
  std::string token_;
  void* multi_ = nullptr;            // CURLM*
  std::vector<void*> idle_handles_;  // CURL* kept for reuse (they keep their TLS session ids)
};

// libcurl is loaded by agent/sources/common/curl_api.h (InitCurlOnce), which must succeed before
// any HttpClient is created.

}  // namespace hostmon::agent::redfish
