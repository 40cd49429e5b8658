// SPDX-License-Identifier: Apache-2.0
//
// The shipped WebHighErrorRate rule (deploy/config/rules.yml) over the series the agent's weblog
// source emits: hostmon_weblog_requests_total{log,method,status_class}, zeros included.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "collector/alerting/engine_fixture.h"
#include "collector/alerting/rules.h"

namespace hostmon::collector::alerting {
namespace {

using testing::Label;
using testing::Point;

// Cumulative counters after a run of 15 s steps at 100 requests/s.
struct Log {
  double ok = 0, errors = 0, not_found = 0, posts = 0;
  std::vector<Point> Step(double error_ratio) {
    errors += 1500 * error_ratio;
    ok += 1500 * (1 - error_ratio) - 30;
    not_found += 20;  // 4xx are not errors of the server
    posts += 10;
    const auto series = [](const char* method, const char* cls, double v) {
      return Point{"hostmon_weblog_requests_total",
                   {{"log", "shop"}, {"method", method}, {"status_class", cls}},
                   v};
    };
    return {series("GET", "1xx", 0),         series("GET", "2xx", ok),     series("GET", "3xx", 0),
            series("GET", "4xx", not_found), series("GET", "5xx", errors), series("POST", "1xx", 0),
            series("POST", "2xx", posts),    series("POST", "3xx", 0),     series("POST", "4xx", 0),
            series("POST", "5xx", 0)};
  }
};

TEST_CASE("WebHighErrorRate: 0.5 % never fires, 2 % warns, 10 % is critical, 0.5 % resolves",
          "[alerting]") {
  absl::StatusOr<RuleSet> rules =
      LoadRulesFile(std::string(HOSTMON_FIXTURE_DIR) + "/../../deploy/config/rules.yml");
  REQUIRE(rules.ok());
  testing::Harness h("");
  h.engine->ReplaceRules(*std::move(rules));
  h.Event(HostEvent::kConnected);
  Log log;
  for (int i = 0; i < 12; ++i) h.Step(log.Step(0.005));
  CHECK(h.Find("WebHighErrorRate") == nullptr);

  for (int i = 0; i < 7; ++i) h.Step(log.Step(0.02));
  auto a = h.Find("WebHighErrorRate");
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::kFiring);
  CHECK(Label(a->labels, "severity") == "warning");
  CHECK(Label(a->labels, "log") == "shop");
  CHECK(a->value == Approx(2.0).margin(0.1));

  for (int i = 0; i < 8; ++i) h.Step(log.Step(0.10));
  a = h.Find("WebHighErrorRate");
  REQUIRE(a != nullptr);
  CHECK(Label(a->labels, "severity") == "critical");
  CHECK(Label(a->annotations, "summary") == "web1 shop: 10.00% of requests answered 5xx (1m)");

  for (int i = 0; i < 8; ++i) h.Step(log.Step(0.005));
  CHECK(h.Find("WebHighErrorRate") == nullptr);
}

}  // namespace
}  // namespace hostmon::collector::alerting
