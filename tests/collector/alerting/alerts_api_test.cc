// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/alerts_api.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

namespace hostmon::collector::alerting {
namespace {

TEST_CASE("FormatGoFloatE matches Go's strconv.FormatFloat(v, 'e', -1, 64)", "[alerting]") {
  CHECK(FormatGoFloatE(95) == "9.5e+01");
  CHECK(FormatGoFloatE(0) == "0e+00");
  CHECK(FormatGoFloatE(1) == "1e+00");
  CHECK(FormatGoFloatE(0.001) == "1e-03");
  CHECK(FormatGoFloatE(-2.5e-7) == "-2.5e-07");
  CHECK(FormatGoFloatE(0.1 + 0.2) == "3.0000000000000004e-01");
  CHECK(FormatGoFloatE(1e300) == "1e+300");
  CHECK(FormatGoFloatE(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(FormatGoFloatE(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatGoFloatE(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("EncodeAlertsApi: Prometheus /api/v1/alerts shape (golden)", "[alerting]") {
  Alert pending;
  pending.labels = {{"alertname", "HostCpuHigh"}, {"instance", "web-1"}, {"severity", "warning"}};
  pending.annotations = {{"summary", "CPU busy 72%"}};
  pending.state = AlertState::kPending;
  pending.value = 72.5;
  pending.active_at = absl::FromUnixMillis(1763749800250);
  Alert firing = pending;
  firing.labels = {{"alertname", "HostDown"}, {"instance", "db-\"2\""}, {"severity", "critical"}};
  firing.annotations = {};
  firing.state = AlertState::kFiring;
  firing.value = 1;
  firing.fired_at = pending.active_at + absl::Seconds(30);
  CHECK(EncodeAlertsApi({pending, firing}) ==
        R"({"data":{"alerts":[{"activeAt":"2025-11-21T18:30:00.250Z","annotations":{"summary":)"
        R"("CPU busy 72%"},"labels":{"alertname":"HostCpuHigh","instance":"web-1","severity":)"
        R"("warning"},"state":"pending","value":"7.25e+01"},{"activeAt":)"
        R"("2025-11-21T18:30:00.250Z","annotations":{},"labels":{"alertname":"HostDown",)"
        R"("instance":"db-\"2\"","severity":"critical"},"state":"firing","value":"1e+00"}]},)"
        R"("status":"success"})");
  CHECK(EncodeAlertsApi({}) == R"({"data":{"alerts":[]},"status":"success"})");
}

}  // namespace
}  // namespace hostmon::collector::alerting
