// SPDX-License-Identifier: Apache-2.0
#include "collector/collector_app.h"

#include <signal.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "collector/alerting/rule_evaluator.h"
#include "collector/collector.h"
#include "collector/collector_config.h"
#include "collector/remote_write/output.h"
#include "common/clock.h"
#include "common/flags.h"
#include "common/log.h"
#include "prometheus/registry.h"

namespace hostmon::collector {
namespace {

namespace log = common::log;

// --check-rules and --check-config: the files are loaded together, as at startup, so a rule name
// defined in two files is caught too.
int CheckRules(const std::vector<std::string>& files) {
  std::unique_ptr<alerting::RuleEvaluator> engine =
      alerting::NewRuleEvaluator(&common::RealClock::Get());
  absl::Status s = engine->LoadRules(files);
  if (!s.ok()) {
    std::cerr << "FAILED: " << s.message() << "\n";
    return 1;
  }
  for (const std::string& file : files) std::cout << "SUCCESS: " << file << " is valid\n";
  return 0;
}

// --check-config, after ValidateCollectorConfig: what else a start would read.
int CheckConfig(const CollectorConfig& config) {
  // The rule files are part of the configuration: a broken one must fail the check too.
  if (CheckRules(config.alerting.rule_files) != 0) return 1;
  // Also reads the remote write credential files, as a start would.
  prometheus::Registry scratch;
  if (auto rw = remote_write::RemoteWriteOutput::Create(config.remote_write, &scratch); !rw.ok()) {
    log::Error("invalid configuration", log::Kv("err", rw.status().message()));
    return 2;
  }
  std::cout << "configuration OK\n";
  return 0;
}

}  // namespace

int CollectorMain(int argc, const char* const* argv) {
  CollectorConfig config;
  CollectorCommandLine cmd;
  cmd.config_file = common::FindFlagValue(argc, argv, "config.file");
  if (!cmd.config_file.empty()) {
    if (absl::Status s = LoadCollectorConfigFile(cmd.config_file, &config); !s.ok()) {
      log::Error("cannot load config", log::Kv("err", s.message()));
      return 2;
    }
  }
  if (absl::Status s = ApplyCollectorFlags(argc, argv, &config, &cmd); !s.ok()) {
    log::Error("invalid command line", log::Kv("err", s.message()));
    return 2;
  }
  if (cmd.help) {
    std::cout << cmd.usage;
    return 0;
  }
  if (!cmd.check_rules.empty()) return CheckRules({cmd.check_rules});
  if (absl::Status s = ValidateCollectorConfig(config); !s.ok()) {
    log::Error("invalid configuration", log::Kv("err", s.message()));
    return 2;
  }
  if (cmd.check_config) return CheckConfig(config);
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, &level);
  log::SetLevel(level);

  // Blocked before any thread starts, so that every thread inherits the mask and only the
  // sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Collector collector(std::move(config), cmd.applied_batches_file);
  if (std::optional<common::StartError> e = collector.Start()) {
    log::Error(e->message, e->fields);
    return e->exit_code;
  }
  while (true) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      collector.ReloadRules("SIGHUP");
      continue;
    }
    log::Info("stopping", log::Kv("signal", strsignal(sig)));
    break;
  }
  collector.Stop();
  log::Info("stopped");
  return 0;
}

}  // namespace hostmon::collector
