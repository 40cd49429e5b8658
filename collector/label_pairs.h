// SPDX-License-Identifier: Apache-2.0
//
// The label set of a series, an alert or a host as the collector passes it between HostStore, its
// observers and the alerting rules: name/value pairs, usually sorted by name. Kept apart from the
// observer interface so that code that only handles labels (the rules parser, templates) does not
// depend on the ingest protocol's generated types.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace hostmon::collector {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// The value of label `name`; empty when absent (PromQL treats an absent label as "").
inline absl::string_view FindLabel(const LabelPairs& labels, absl::string_view name) {
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace hostmon::collector
