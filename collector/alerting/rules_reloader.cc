// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rules_reloader.h"

#include <utility>

#include "common/log.h"

namespace hostmon::collector::alerting {
namespace {

namespace log = common::log;

prometheus::Family<prometheus::Counter>& ReloadsFamily(prometheus::Registry* r) {
  return prometheus::BuildCounter()
      .Name("hostmon_collector_rules_reloads_total")
      .Help("Rule reloads (SIGHUP, POST /-/reload) by result")
      .Register(*r);
}

}  // namespace

RulesReloader::RulesReloader(LoadFn load, const common::Clock* clock,
                             prometheus::Registry* registry)
    : load_(std::move(load)),
      clock_(clock),
      successful_(prometheus::BuildGauge()
                      .Name("hostmon_collector_rules_last_reload_successful")
                      .Help("Whether the last rules load or reload succeeded (1) or failed (0)")
                      .Register(*registry)
                      .Add({})),
      success_timestamp_(prometheus::BuildGauge()
                             .Name("hostmon_collector_rules_last_reload_success_timestamp_seconds")
                             .Help("Time of the last successful rules load or reload")
                             .Register(*registry)
                             .Add({})),
      reloads_ok_(ReloadsFamily(registry).Add({{"result", "success"}})),
      reloads_failed_(ReloadsFamily(registry).Add({{"result", "failure"}})) {}

void RulesReloader::Record(const absl::Status& status) {
  successful_.Set(status.ok() ? 1 : 0);
  if (status.ok()) success_timestamp_.Set(absl::ToDoubleSeconds(clock_->Now() - absl::UnixEpoch()));
}

void RulesReloader::RecordInitial(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  Record(status);
}

absl::Status RulesReloader::Reload(absl::string_view trigger) {
  absl::MutexLock lock(&mu_);
  absl::Status s = load_();
  Record(s);
  if (s.ok()) {
    reloads_ok_.Increment();
    log::Info("rules reloaded", log::Kv("trigger", trigger));
  } else {
    reloads_failed_.Increment();
    log::Error("rules reload failed; keeping the previous rules",
               log::Kv("trigger", trigger) + log::Kv("err", s.message()));
  }
  return s;
}

}  // namespace hostmon::collector::alerting
