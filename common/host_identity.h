// SPDX-License-Identifier: Apache-2.0
//
// What an agent may announce about itself in Hello: its host name (the `instance` label) and its
// static labels. The collector rejects a Hello that breaks these rules (collector/host_store.cc);
// the agent checks its configuration with the same functions, so that it refuses to start (and
// --check-config fails) instead of retrying a stream the collector will always reject.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::common {

// The collector's bound on a static label value.
inline constexpr size_t kMaxStaticLabelValueBytes = 4096;

// 1..253 bytes (a DNS name's limit) of UTF-8 without control characters. The error does not
// repeat the name (it may not be printable); callers say where it came from.
absl::Status ValidateHostName(absl::string_view name);

// A valid Prometheus label name, not reserved ("__" prefix, or "instance", which is the host
// name), with a UTF-8 value of at most max_value_bytes. The error names the label.
absl::Status ValidateStaticLabel(absl::string_view name, absl::string_view value,
                                 size_t max_value_bytes = kMaxStaticLabelValueBytes);

}  // namespace hostmon::common
