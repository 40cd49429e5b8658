// SPDX-License-Identifier: Apache-2.0
//
// The collector's one HTTP client (libcurl): POSTs for the Alertmanager client and the remote
// write queues, with TLS (system CAs, a CA file, or no verification), bearer token or basic auth
// from files, extra headers, a per-request timeout and Abort() for shutdown. A library of its own
// (hostmon_http) so that only the collector links libcurl; the agent dlopen()s it on purpose
// (agent/sources/redfish/redfish_http.cc).
//
// Credential files: checked when the client is created (Create / ValidateHttpClientOptions), so a
// wrong path fails at startup naming the file, AND re-read at every request, so tokens and
// passwords rotate without a restart (as Prometheus does). A file that vanishes later fails that
// request like a network error (retried by the callers), never the process. Files are read with
// common::ReadSecretFile (surrounding white space is not part of a secret).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hostmon::common {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpClientOptions {
  std::string ca_file;  // PEM bundle that verifies https servers; empty: system CAs
  bool insecure_skip_verify = false;
  std::string bearer_token_file;  // "Authorization: Bearer <contents>"
  std::string basic_auth_username;
  std::string basic_auth_password_file;        // empty with a username: empty password
  HttpHeaders headers;                         // sent with every request
  absl::Duration timeout = absl::Seconds(10);  // per request, unless Post() is given one
  std::string user_agent = "hostmon-collector/" HOSTMON_VERSION;
  size_t max_response_body = 64 * 1024;  // bytes of a response body kept; the rest is discarded
};

struct HttpResponse {
  int status = 0;
  std::string body;  // at most max_response_body bytes
};

// Checks that the files the options name are readable and that the auth settings do not
// conflict; errors name the option and the file.
absl::Status ValidateHttpClientOptions(const HttpClientOptions& options);

// Thread-safe: any number of threads may Post() at once. Idle connections are kept (one curl
// handle per concurrent caller) so that a queue sending request after request reuses its
// connection.
class HttpClient {
 public:
  // Validates the options (ValidateHttpClientOptions), then builds the client.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(HttpClientOptions options);
  // Without validation (the caller validated the options, e.g. with the rest of its config).
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body`. An error status means no HTTP answer was obtained (connection refused, timeout,
  // TLS failure, unreadable credential file, aborted); any HTTP answer, even 500, is a response.
  // Error messages do not contain the URL (it may carry credentials): callers add what they log.
  // `timeout` zero: options.timeout.
  absl::StatusOr<HttpResponse> Post(const std::string& url, const std::string& body,
                                    const std::string& content_type,
                                    const HttpHeaders& extra_headers = {},
                                    absl::Duration timeout = absl::ZeroDuration());

  // Makes a Post in progress (and every later one) fail at once, so that shutdown does not wait
  // for a hung server's timeout. Any thread.
  void Abort() { aborted_ = true; }

 private:
  void* TakeHandle();  // CURL*; kept out of the header so includers need no curl headers
  void ReturnHandle(void* handle);

  const HttpClientOptions options_;
  std::atomic<bool> aborted_{false};
  absl::Mutex mu_;
  std::vector<void*> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hostmon::common
