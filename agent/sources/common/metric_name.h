// SPDX-License-Identifier: Apache-2.0
//
// Metric names built from what the kernel names (a RAPL zone, a bcachefs counter file), made
// valid the way node_exporter makes them, so that the families match its names.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace hostmon::agent {

// node_exporter's SanitizeMetricName (collector/helper.go): every run of `_*[^0-9A-Za-z_]+_*`
// becomes one '_' ("a-b" -> "a_b", "a_-_b" -> "a_b", "a__b" stays). `out` is overwritten.
void SanitizeMetricName(absl::string_view name, std::string* out);

}  // namespace hostmon::agent
