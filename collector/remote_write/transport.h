// SPDX-License-Identifier: Apache-2.0
//
// How a remote write request leaves the process, behind an interface so the queue's retry logic
// is tested with an injected transport; the real one is libcurl.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "collector/remote_write/config.h"

namespace hostmon::collector::remote_write {

struct SendResult {
  int http_status = 0;  // 0: no HTTP response (connection refused, timeout, TLS failure)
  std::string error;    // curl's message, or the start of the response body for non-2xx
};

class Transport {
 public:
  virtual ~Transport() = default;
  // POSTs one snappy-compressed WriteRequest; blocks up to the configured timeout.
  virtual SendResult Post(const std::string& compressed_body) = 0;
  // Makes a Post in progress (and later ones) fail at once: shutdown does not wait for a hung
  // receiver's timeout. Any thread.
  virtual void Abort() {}
};

// The libcurl transport (common/http/http_client.h). Checks the credential and CA files now
// (errors name the file) and re-reads the credentials at every request, so they can rotate.
absl::StatusOr<std::unique_ptr<Transport>> MakeCurlTransport(const RemoteWriteConfig& config);

// What Prometheus's remote_write does with a response: 2xx delivered; 5xx, 429 and no response
// are recoverable (retry the same request after a backoff); any other status is a permanent
// rejection of the data (e.g. 400 for out-of-order or out-of-bounds samples) — retrying it would
// block the queue forever, so the samples are counted as failed and dropped.
enum class Outcome { kDelivered, kRetry, kRejected };
Outcome Classify(const SendResult& result);

// The failure reason label for a result: "http_4xx", "http_5xx", "http_429" or "network".
const char* FailureReason(const SendResult& result);

}  // namespace hostmon::collector::remote_write
