// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rules_reloader.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/fake_clock.h"
#include "prometheus/text_serializer.h"

namespace hostmon::collector::alerting {
namespace {

std::string Metrics(prometheus::Registry& r) {
  return prometheus::TextSerializer().Serialize(r.Collect());
}

TEST_CASE("RulesReloader: outcome, metrics, and a failed reload keeps the old rules",
          "[alerting]") {
  testing::FakeClock clock(absl::FromUnixSeconds(1000));
  prometheus::Registry registry;
  // A stand-in for "parse every rules file, then swap": the installed rule set changes only when
  // the load succeeds.
  std::string installed = "v1";
  std::string on_disk = "v1";
  RulesReloader reloader(
      [&]() -> absl::Status {
        if (on_disk == "broken") return absl::InvalidArgumentError("rules.yml:3: field \"expr\"");
        installed = on_disk;
        return absl::OkStatus();
      },
      &clock, &registry);
  reloader.RecordInitial(absl::OkStatus());
  CHECK_THAT(Metrics(registry),
             Catch::Contains("hostmon_collector_rules_last_reload_success_timestamp_seconds 1000"));

  on_disk = "v2";
  clock.Advance(absl::Seconds(10));
  CHECK(reloader.Reload("SIGHUP").ok());
  CHECK(installed == "v2");
  CHECK_THAT(Metrics(registry),
             Catch::Contains("hostmon_collector_rules_last_reload_successful 1"));
  CHECK_THAT(Metrics(registry),
             Catch::Contains("hostmon_collector_rules_last_reload_success_timestamp_seconds 1010"));

  on_disk = "broken";
  clock.Advance(absl::Seconds(10));
  absl::Status s = reloader.Reload("/-/reload");
  CHECK(s.message() == "rules.yml:3: field \"expr\"");
  CHECK(installed == "v2");
  const std::string m = Metrics(registry);
  CHECK_THAT(m, Catch::Contains("hostmon_collector_rules_last_reload_successful 0"));
  // The timestamp stays at the last success.
  CHECK_THAT(m,
             Catch::Contains("hostmon_collector_rules_last_reload_success_timestamp_seconds 1010"));
  CHECK_THAT(m, Catch::Contains("hostmon_collector_rules_reloads_total{result=\"failure\"} 1"));
  CHECK_THAT(m, Catch::Contains("hostmon_collector_rules_reloads_total{result=\"success\"} 1"));
}

}  // namespace
}  // namespace hostmon::collector::alerting
