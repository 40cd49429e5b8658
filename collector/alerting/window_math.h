// SPDX-License-Identifier: Apache-2.0
//
// The arithmetic of rule evaluation, without engine state: the sample window a series keeps,
// the rule functions over such a window (rate, increase, avg/max/min_over_time, last, with
// Prometheus's semantics) and the aggregation of per-series values into a group's value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>

#include "absl/time/time.h"
#include "collector/alerting/rules.h"

namespace hostmon::collector::alerting {

struct WindowSample {
  int64_t ts_ms;  // the agent's timestamp
  double value;
};
// Oldest first, timestamps strictly increasing (the caller drops out-of-order samples).
using SampleWindow = std::deque<WindowSample>;

// Appends `sample` (newer than the window's newest) and drops the samples older than `keep`
// before it, and the oldest ones beyond `max_samples`; the newest sample always stays.
void PushSample(SampleWindow* window, WindowSample sample, absl::Duration keep, size_t max_samples);

// `func` over the samples in (end_ms - window, end_ms]; nullopt when there is not enough data
// (rate and increase need two samples). kLast ignores the window: the newest sample.
std::optional<double> ApplyWindowFunction(Func func, absl::Duration window,
                                          const SampleWindow& samples, int64_t end_ms);

// Running sum, min, max and count of values, read out as any Aggregate.
struct Accumulator {
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  int64_t count = 0;
  void Add(double v);
  double Get(Aggregate a) const;
};

}  // namespace hostmon::collector::alerting
