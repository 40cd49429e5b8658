// SPDX-License-Identifier: Apache-2.0
//
// The lexical rules of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): which metric and label names
// are valid, that label values are UTF-8, and how a sample value is written. Apart from the
// writer (common/exposition.h) and free of the ingest protocol's generated types, so that config
// parsers (alerting rules, templates) can check names without depending on protobuf.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace hostmon::common {

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*. Label names: [a-zA-Z_][a-zA-Z0-9_]*, and names starting
// with "__" are reserved by Prometheus.
bool IsValidMetricName(absl::string_view name);
bool IsValidLabelName(absl::string_view name);
// Label values must be valid UTF-8 (Prometheus rejects the whole scrape otherwise).
bool IsValidUtf8(absl::string_view text);

// Shortest text that parses back to the same double; "+Inf", "-Inf", "NaN" as Prometheus writes.
void AppendDouble(std::string* out, double value);
// The same text written at `out`, which must have room for kMaxDoubleChars; returns its end.
inline constexpr size_t kMaxDoubleChars = 32;
char* WriteDouble(char* out, double value);

}  // namespace hostmon::common
