// SPDX-License-Identifier: Apache-2.0
//
// The file format of `alerting.state_file`: what the rule engine keeps across a collector restart
// (README "Alerting rules"). Versioned JSON, written with one-space indentation:
//   {"version": 1,
//    "hosts":  [{"name": str, "labels": {str: str}, "lost_at_ms": int | null,
//                "interval_ms": int}],
//    "alerts": [{"labels": {str: str}, "annotations": {str: str},
//                "starts_at_ms": int | null, "ends_at_ms": int | null,
//                "state": "firing" | "resolved"}]}
// Times are Unix milliseconds; null is "never" (absl::InfiniteFuture) for the alert times and
// "connected at shutdown" for lost_at_ms. What the engine does with a restored state is its own
// business (rule_engine.cc); this file only encodes and decodes, and writes the file atomically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "collector/alerting/alert.h"
#include "collector/label_pairs.h"

namespace hostmon::collector::alerting {

struct SavedHost {
  std::string name;
  LabelPairs labels;
  std::optional<absl::Time> lost_at;  // nullopt: the stream was connected at shutdown
  absl::Duration interval;            // as saved; may be zero or negative in a foreign file
};

struct SavedAlert {
  Notification notification;  // labels, annotations, starts_at, ends_at (no generator_url)
  bool firing = false;        // else resolved
};

struct SavedState {
  std::vector<SavedHost> hosts;
  std::vector<SavedAlert> alerts;
};

std::string EncodeState(const SavedState& state);
// InvalidArgument ("alert state: ...") for anything but a complete, valid version-1 document;
// nothing is returned in part.
absl::StatusOr<SavedState> DecodeState(absl::string_view json);

// Writes `text` to `path` through a temporary file and a rename, so a crash leaves either the old
// or the new state file.
absl::Status WriteStateFile(const std::string& path, const std::string& text);

}  // namespace hostmon::collector::alerting
