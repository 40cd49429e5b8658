// SPDX-License-Identifier: Apache-2.0
//
// Prometheus text exposition format 0.0.4, written straight into a string. Used by the agent's
// --once output and by the collector's /metrics, so that both print exactly the same way. Names,
// UTF-8 and number formatting: common/exposition_text.h (included here for the writer's users).
// https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/exposition_text.h"
#include "hostmon/ingest/v1/ingest.pb.h"

namespace hostmon::common {

using MetricType = ::hostmon::ingest::v1::MetricType;

// A label as a pair of views; the owner of the strings keeps them alive.
struct LabelRef {
  absl::string_view name;
  absl::string_view value;
};
using LabelSpan = absl::Span<const LabelRef>;

const char* MetricTypeName(MetricType type);  // "gauge", "counter", "untyped"

// Appends `a="1",b="2"` (values escaped), the labels as they stand between a sample's braces.
void AppendLabelPairs(std::string* out, LabelSpan labels);

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
