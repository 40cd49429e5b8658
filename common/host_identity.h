// SPDX-License-Identifier: Apache-2.0
//
// What an agent may announce about itself and its series: its host name (the `instance` label),
// its static labels (Hello) and the labels of each series definition (Batch). This is the one
// label validator of hostmon: the collector rejects a Hello or a batch that breaks these rules
// (collector/host_store.cc), and the agent checks its configuration with the same functions, so
// that it refuses to start (and --check-config fails) instead of retrying a stream the collector
// will always reject.
//
// Reserved label names are the ones the collector writes itself, so that an agent can never make
// a line of /metrics carry a label twice, or two series print as the same line:
//   instance, job           on every series of a host (the host name, hosts.default_job)
//   alertname, alertstate   on hostmon_alerts / hostmon_alerts_for_state and on notifications
//   severity                on alerts and notifications (the rule level that fired)
//   rule                    on hostmon_rule_value
//   __*                     reserved by Prometheus
// `job` may be a static label where the collector's policy allows it (hosts.allowed_static_labels),
// never a series label.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace hostmon::common {

// The collector's bound on a static or series label value.
inline constexpr size_t kMaxStaticLabelValueBytes = 4096;

// The label names the collector sets itself (see above); names starting with "__" are reserved
// too, IsReservedLabelName says so for both.
inline constexpr absl::string_view kCollectorLabelNames[] = {"instance",   "job",      "alertname",
                                                             "alertstate", "severity", "rule"};
bool IsReservedLabelName(absl::string_view name);

// 1..253 bytes (a DNS name's limit) of UTF-8 without control characters. The error does not
// repeat the name (it may not be printable); callers say where it came from.
absl::Status ValidateHostName(absl::string_view name);

// A valid Prometheus label name that is not reserved (`job` is allowed when `allow_job`: the
// collector decides by its policy, the agent leaves that to the collector), with a UTF-8 value of
// at most max_value_bytes. The error names the label.
absl::Status ValidateStaticLabel(absl::string_view name, absl::string_view value,
                                 size_t max_value_bytes = kMaxStaticLabelValueBytes,
                                 bool allow_job = true);

// A label as a pair of views.
struct LabelView {
  absl::string_view name;
  absl::string_view value;
};

// The labels of one series definition: valid names, none reserved, none that is one of the host's
// static labels (`host_label_names`: the host's labels would replace it on /metrics, so two
// series could print as one line), UTF-8 values of at most max_value_bytes, and the canonical
// order: sorted by name without duplicates (so that one label set is one series). The error names
// the label and the rule broken, *failed (if given) its index; callers name the series
// (SeriesText).
absl::Status ValidateSeriesLabels(absl::Span<const LabelView> labels,
                                  absl::Span<const std::string> host_label_names,
                                  size_t max_value_bytes = kMaxStaticLabelValueBytes,
                                  size_t* failed = nullptr);

// `name{a="1",b="2"}` for error messages: values escaped, each cut to 64 bytes, at most 16 labels.
std::string SeriesText(absl::string_view name, absl::Span<const LabelView> labels);

}  // namespace hostmon::common
