// SPDX-License-Identifier: Apache-2.0
//
// gzip for HTTP responses (RFC 1952 through zlib) and the Accept-Encoding check that decides it.
// Prometheus asks every scrape with "Accept-Encoding: gzip"; an exposition of a large fleet
// shrinks about 10-20x, which is what crosses the network and what Prometheus has to read.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct z_stream_s;  // zlib's deflate state

namespace hostmon::common::http {

// True when an Accept-Encoding header value allows gzip: a "gzip" or "*" coding whose q-value
// is not zero (RFC 9110 12.5.3), e.g. "gzip", "deflate, gzip;q=0.5", "*". Coding names are
// case-insensitive.
bool AcceptsGzip(absl::string_view accept_encoding);

// The gzip member of `data` at zlib `level` (1: fastest .. 9: smallest).
absl::StatusOr<std::string> GzipCompress(absl::string_view data, int level = 1);

// One gzip member made piece by piece, for responses too large to hold whole (a streamed
// /metrics). Memory stays bounded whatever the total: zlib's state (about 270 KiB at level 1)
// plus the output of the piece at hand, which deflate hands back in blocks as it goes.
class GzipStream {
 public:
  explicit GzipStream(int level = 1);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Compresses `data`, appending to *out what deflate has ready (often nothing: it collects input
  // for a block first, so callers must not treat an empty output as the end).
  absl::Status Append(absl::string_view data, std::string* out);
  // Ends the member: the rest of the compressed data and the gzip trailer. Nothing may follow.
  absl::Status Finish(std::string* out);

 private:
  absl::Status Deflate(absl::string_view data, int flush, std::string* out);

  std::unique_ptr<z_stream_s> z_;
  bool ready_ = false;     // deflateInit2 succeeded
  bool finished_ = false;  // Finish was called
};

// Inflates a gzip member; for tests and clients. Fails on corrupt or truncated input, and when
// the output would pass max_bytes.
absl::StatusOr<std::string> GzipDecompress(absl::string_view data, size_t max_bytes);

}  // namespace hostmon::common::http
