// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/window_math.h"

#include <algorithm>
#include <iterator>

namespace hostmon::collector::alerting {

void PushSample(SampleWindow* window, WindowSample sample, absl::Duration keep,
                size_t max_samples) {
  window->push_back(sample);
  const int64_t horizon = sample.ts_ms - absl::ToInt64Milliseconds(keep);
  while (window->size() > 1 && (window->front().ts_ms < horizon || window->size() > max_samples)) {
    window->pop_front();
  }
}

std::optional<double> ApplyWindowFunction(Func func, absl::Duration window,
                                          const SampleWindow& samples, int64_t end_ms) {
  if (samples.empty()) return std::nullopt;
  if (func == Func::kLast) return samples.back().value;
  // (end - window, end], left-open as Prometheus 3's range selectors: a 1m window over a 15s
  // interval holds 4 samples, not 5.
  const int64_t start = end_ms - absl::ToInt64Milliseconds(window);
  auto first = std::upper_bound(samples.begin(), samples.end(), start,
                                [](int64_t ts, const WindowSample& s) { return ts < s.ts_ms; });
  if (first == samples.end()) return std::nullopt;
  switch (func) {
    case Func::kRate:
    case Func::kIncrease: {
      if (std::next(first) == samples.end()) return std::nullopt;
      double inc = 0;
      for (auto it = std::next(first); it != samples.end(); ++it) {
        const double prev = std::prev(it)->value;
        // A counter that went down was reset (agent or kernel restart): its new value is what
        // it counted since, as in Prometheus's rate().
        inc += it->value >= prev ? it->value - prev : it->value;
      }
      if (func == Func::kIncrease) return inc;
      const double seconds = static_cast<double>(samples.back().ts_ms - first->ts_ms) / 1000.0;
      if (seconds <= 0) return std::nullopt;
      return inc / seconds;
    }
    case Func::kAvgOverTime:
    case Func::kMaxOverTime:
    case Func::kMinOverTime: {
      Accumulator a;
      for (auto it = first; it != samples.end(); ++it) a.Add(it->value);
      return func == Func::kAvgOverTime   ? a.sum / static_cast<double>(a.count)
             : func == Func::kMaxOverTime ? a.max
                                          : a.min;
    }
    case Func::kLast:
      break;
  }
  return std::nullopt;
}

void Accumulator::Add(double v) {
  sum += v;
  min = std::min(min, v);
  max = std::max(max, v);
  ++count;
}

double Accumulator::Get(Aggregate a) const {
  switch (a) {
    case Aggregate::kSum:
      return sum;
    case Aggregate::kAvg:
      return sum / static_cast<double>(count);
    case Aggregate::kMax:
      return max;
    case Aggregate::kMin:
      return min;
    case Aggregate::kCount:
      return static_cast<double>(count);
  }
  return sum;
}

}  // namespace hostmon::collector::alerting
