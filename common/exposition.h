// SPDX-License-Identifier: Apache-2.0
//
// Prometheus text exposition format 0.0.4, written straight into a string. Used by the agent's
// --once output and by the collector's /metrics, so that both print exactly the same way.
// https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "hostmon/ingest/v1/ingest.pb.h"

namespace hostmon::common {

using MetricType = ::hostmon::ingest::v1::MetricType;

// A label as a pair of views; the owner of the strings keeps them alive.
struct LabelRef {
  absl::string_view name;
  absl::string_view value;
};
using LabelSpan = absl::Span<const LabelRef>;

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*. Label names: [a-zA-Z_][a-zA-Z0-9_]*, and names starting
// with "__" are reserved by Prometheus.
bool IsValidMetricName(absl::string_view name);
bool IsValidLabelName(absl::string_view name);
// Label values must be valid UTF-8 (Prometheus rejects the whole scrape otherwise).
bool IsValidUtf8(absl::string_view text);

const char* MetricTypeName(MetricType type);  // "gauge", "counter", "untyped"

// Shortest text that parses back to the same double; "+Inf", "-Inf", "NaN" as Prometheus writes.
void AppendDouble(std::string* out, double value);

class ExpositionWriter {
 public:
  explicit ExpositionWriter(std::string* out) : out_(out) {}

  // Writes the # HELP and # TYPE lines. All samples of a family must follow its header.
  void BeginFamily(absl::string_view name, MetricType type, absl::string_view help);
  // Writes `name{a="1",b="2"} value`; `first` labels come before `second` (e.g. host labels).
  void Sample(absl::string_view name, LabelSpan first, LabelSpan second, double value);

 private:
  std::string* out_;
};

}  // namespace hostmon::common
