// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/window_math.h"

#include <catch2/catch.hpp>

namespace hostmon::collector::alerting {
namespace {

SampleWindow Window(std::initializer_list<WindowSample> samples) { return SampleWindow(samples); }

TEST_CASE("Window functions: left-open range, counter resets, too little data", "[alerting]") {
  // 15 s interval; a 1m window ending at 60 s holds 15, 30, 45, 60 s (not 0 s).
  const SampleWindow w = Window({{0, 100}, {15000, 110}, {30000, 5}, {45000, 20}, {60000, 50}});
  const absl::Duration m1 = absl::Minutes(1);
  // 110 -> 5 is a reset: it counted 5 since; then +15, +30.
  CHECK(ApplyWindowFunction(Func::kIncrease, m1, w, 60000) == 50);
  CHECK(ApplyWindowFunction(Func::kRate, m1, w, 60000) == Approx(50.0 / 45));
  CHECK(ApplyWindowFunction(Func::kMaxOverTime, m1, w, 60000) == 110);
  CHECK(ApplyWindowFunction(Func::kMinOverTime, m1, w, 60000) == 5);
  CHECK(ApplyWindowFunction(Func::kAvgOverTime, m1, w, 60000) == Approx(185.0 / 4));
  CHECK(ApplyWindowFunction(Func::kLast, absl::ZeroDuration(), w, 60000) == 50);
  // One sample in range: no rate; none in range or no samples: no value at all.
  CHECK_FALSE(ApplyWindowFunction(Func::kRate, absl::Seconds(10), w, 60000).has_value());
  CHECK(ApplyWindowFunction(Func::kMaxOverTime, absl::Seconds(10), w, 60000) == 50);
  CHECK_FALSE(ApplyWindowFunction(Func::kAvgOverTime, m1, w, 200000).has_value());
  CHECK_FALSE(ApplyWindowFunction(Func::kLast, m1, SampleWindow(), 0).has_value());
}

TEST_CASE("PushSample keeps the window's time span and the sample cap", "[alerting]") {
  SampleWindow w;
  for (int64_t t = 0; t <= 100000; t += 10000) PushSample(&w, {t, 1}, absl::Seconds(30), 100);
  REQUIRE(w.size() == 4);  // 70..100 s: older than 30 s before the newest are dropped
  CHECK(w.front().ts_ms == 70000);
  PushSample(&w, {110000, 1}, absl::Seconds(30), 2);
  CHECK(w.size() == 2);
  CHECK(w.front().ts_ms == 100000);
  // The newest sample stays even when the window keeps nothing.
  PushSample(&w, {500000, 1}, absl::ZeroDuration(), 100);
  CHECK(w.size() == 1);
}

TEST_CASE("Accumulator reads out every aggregation", "[alerting]") {
  Accumulator a;
  for (double v : {3.0, 1.0, 2.0}) a.Add(v);
  CHECK(a.Get(Aggregate::kSum) == 6);
  CHECK(a.Get(Aggregate::kAvg) == 2);
  CHECK(a.Get(Aggregate::kMax) == 3);
  CHECK(a.Get(Aggregate::kMin) == 1);
  CHECK(a.Get(Aggregate::kCount) == 3);
}

}  // namespace
}  // namespace hostmon::collector::alerting
