// SPDX-License-Identifier: Apache-2.0
//
// gzip for HTTP responses (RFC 1952 through zlib) and the Accept-Encoding check that decides it.
// Prometheus asks every scrape with "Accept-Encoding: gzip"; an exposition of a large fleet
// shrinks about 10-20x, which is what crosses the network and what Prometheus has to read.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hostmon::common::http {

// True when an Accept-Encoding header value allows gzip: a "gzip" or "*" coding whose q-value
// is not zero (RFC 9110 12.5.3), e.g. "gzip", "deflate, gzip;q=0.5", "*". Coding names are
// case-insensitive.
bool AcceptsGzip(absl::string_view accept_encoding);

// The gzip member of `data` at zlib `level` (1: fastest .. 9: smallest).
absl::StatusOr<std::string> GzipCompress(absl::string_view data, int level = 1);

// Inflates a gzip member; for tests and clients. Fails on corrupt or truncated input, and when
// the output would pass max_bytes.
absl::StatusOr<std::string> GzipDecompress(absl::string_view data, size_t max_bytes);

}  // namespace hostmon::common::http
