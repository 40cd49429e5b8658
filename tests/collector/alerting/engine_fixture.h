// SPDX-License-Identifier: Apache-2.0
//
// Drives a RuleEngine the way HostStore does: AppliedBatches whose arrival is the fake clock's
// time and whose sample timestamps follow it, plus a sink recording every notification.
#pragma once

#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "collector/alerting/rule_engine.h"
#include "fakes/fake_clock.h"

namespace hostmon::collector::alerting::testing {

class RecordingSink : public NotificationSink {
 public:
  void Notify(std::vector<Notification> notifications) override {
    absl::MutexLock lock(&mu_);
    for (Notification& n : notifications) got_.push_back(std::move(n));
  }
  std::vector<Notification> Take() {
    absl::MutexLock lock(&mu_);
    return std::move(got_);
  }

 private:
  absl::Mutex mu_;
  std::vector<Notification> got_;
};

struct Point {
  std::string family;
  LabelPairs labels;
  double value;
};

inline LabelPairs HostLabels(const std::string& host) {
  return {{"instance", host}, {"job", "node"}};
}

// Owns the strings an AppliedBatch points to.
class BatchMaker {
 public:
  BatchMaker(const std::string& host, absl::Time arrival, int64_t ts_ms, bool replayed = false) {
    batch_.host = host;
    batch_.host_labels = HostLabels(host);
    batch_.arrival = arrival;
    batch_.timestamp_ms = ts_ms;
    batch_.replayed = replayed;
  }
  BatchMaker& Add(const Point& p) {
    families_.push_back(p.family);
    labels_.push_back(p.labels);
    batch_.samples.push_back({&families_.back(), ::hostmon::ingest::v1::METRIC_TYPE_GAUGE,
                              &labels_.back(), p.value, batch_.timestamp_ms});
    return *this;
  }
  const AppliedBatch& batch() const { return batch_; }

 private:
  std::deque<std::string> families_;
  std::deque<LabelPairs> labels_;
  AppliedBatch batch_;
};

inline RuleSet MustParse(const std::string& yaml) {
  absl::StatusOr<RuleSet> rules = ParseRules(yaml, "rules.yml");
  INFO(rules.status().ToString());
  REQUIRE(rules.ok());
  return *std::move(rules);
}

// An engine, its fake clock and sink. Step() advances the clock and delivers one live batch.
struct Harness {
  explicit Harness(const std::string& yaml)
      : engine(std::make_unique<RuleEngine>(MustParse(yaml), &clock)) {
    engine->SetNotificationSink(&sink);
  }
  void Step(const std::vector<Point>& points, absl::Duration advance = absl::Seconds(15),
            const std::string& host = "web1", bool replayed = false) {
    clock.Advance(advance);
    Deliver(points, host, replayed, absl::ToUnixMillis(clock.Now()));
  }
  void Deliver(const std::vector<Point>& points, const std::string& host, bool replayed,
               int64_t ts_ms) {
    BatchMaker m(host, clock.Now(), ts_ms, replayed);
    for (const Point& p : points) m.Add(p);
    engine->OnBatch(m.batch());
  }
  void Tick(absl::Duration advance) {
    clock.Advance(advance);
    engine->Tick(clock.Now());
  }
  void Event(HostEvent e, const std::string& host = "web1") {
    engine->OnHostEvent(host, HostLabels(host), e, clock.Now());
  }
  // The single alert of rule `name`, or nullptr.
  std::unique_ptr<Alert> Find(const std::string& name) const {
    for (Alert& a : engine->Alerts()) {
      for (const auto& [k, v] : a.labels) {
        if (k == "alertname" && v == name) return std::make_unique<Alert>(std::move(a));
      }
    }
    return nullptr;
  }

  hostmon::testing::FakeClock clock;
  RecordingSink sink;
  std::unique_ptr<RuleEngine> engine;
};

inline std::string Label(const LabelPairs& labels, const std::string& name) {
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace hostmon::collector::alerting::testing
