// SPDX-License-Identifier: Apache-2.0
//
// Prometheus remote write 1.0 encoding (https://prometheus.io/docs/concepts/remote_write_spec/):
// a snappy block-compressed (not framed) protobuf WriteRequest. Each sample becomes one
// TimeSeries, encoded once when the batch arrives; a request body is those encodings concatenated
// as WriteRequest field 1, which is byte for byte what serializing the WriteRequest message would
// produce.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "collector/batch_observer.h"

namespace hostmon::collector::remote_write {

// The label set of one series as remote write requires it: __name__, then the series' labels and
// the host's labels (job, instance, static labels; they win over a series label of the same name,
// as on /metrics), sorted by name, unique names, empty values left out (an empty label is the
// absent label in Prometheus).
// `external_labels` (the collector's `external_labels`, e.g. cluster and __replica__ for HA
// deduplication) come last: a host or series label of the same name wins, as in Prometheus.
LabelPairs MergeLabels(absl::string_view metric_name, const LabelPairs& series_labels,
                       const LabelPairs& host_labels, const LabelPairs& external_labels = {});

// One serialized TimeSeries holding one sample.
std::string EncodeTimeSeries(const LabelPairs& sorted_labels, double value, int64_t timestamp_ms);

// The same bytes as EncodeTimeSeries(MergeLabels(...), value, timestamp_ms), written directly
// without copying labels or building a message: the per-sample hot path (README Benchmarks).
std::string EncodeSample(absl::string_view metric_name, const LabelPairs& series_labels,
                         const LabelPairs& host_labels, double value, int64_t timestamp_ms,
                         const LabelPairs& external_labels = {});

// Appends one serialized TimeSeries to a WriteRequest body being built.
void AppendTimeSeries(absl::string_view encoded_series, std::string* write_request);

std::string SnappyCompress(absl::string_view raw);
absl::StatusOr<std::string> SnappyUncompress(absl::string_view compressed);

}  // namespace hostmon::collector::remote_write
