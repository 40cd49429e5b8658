// SPDX-License-Identifier: Apache-2.0
#include "collector/collector_app.h"

#include <signal.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "collector/alerting/rule_evaluator.h"
#include "collector/collector.h"
#include "collector/collector_config.h"
#include "collector/remote_write/output.h"
#include "collector/web_server.h"
#include "common/build_info.h"
#include "common/clock.h"
#include "common/flags.h"
#include "common/grpc_tls.h"
#include "common/http/web_config.h"
#include "common/log.h"
#include "common/systemd_notify.h"
#include "prometheus/registry.h"

namespace hostmon::collector {
namespace {

namespace log = common::log;

// --check-rules: the files are loaded together, as at startup, so a rule name defined in two
// files is caught too.
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

}  // namespace

std::optional<common::StartError> CheckCollectorStart(const CollectorConfig& config) {
  if (absl::Status s = ValidateCollectorConfig(config); !s.ok()) {
    return common::StartError{"invalid configuration", log::Kv("err", s.message()), 2};
  }
  // The same credentials Collector::Start builds: TLS files readable, plaintext on loopback only.
  if (auto creds = common::MakeServerCredentials(config.tls, config.grpc_listen_address);
      !creds.ok()) {
    return common::StartError{"cannot start", log::Kv("err", creds.status().message()), 2};
  }
  // Reads the fingerprints file, as a start with mTLS does.
  if (!config.tls.ca_file.empty()) {
    if (auto identity = IdentityPolicy::Create(config.identity); !identity.ok()) {
      return common::StartError{"cannot start", log::Kv("err", identity.status().message()), 2};
    }
  }
  if (absl::Status s = WebServer::CheckAddress(config.web_listen_address); !s.ok()) {
    return common::StartError{"invalid configuration", log::Kv("err", s.message()), 2};
  }
  // The web config as a start loads it: fields, TLS files (key matching the certificate), hashes.
  if (!config.web_config_file.empty()) {
    if (auto web = common::LoadWebConfigFile(config.web_config_file); !web.ok()) {
      return common::StartError{"invalid web config", log::Kv("err", web.status().message()), 2};
    }
  }
  // The rule files load together, as at start-up, so a rule name defined in two files is caught.
  std::unique_ptr<alerting::RuleEvaluator> engine =
      alerting::NewRuleEvaluator(&common::RealClock::Get());
  if (absl::Status s = engine->LoadRules(config.alerting.rule_files); !s.ok()) {
    return common::StartError{"cannot load rules", log::Kv("err", s.message()), 2};
  }
  // Reads the remote write credential files, as a start does; the scratch registry is dropped.
  prometheus::Registry scratch;
  if (auto rw = remote_write::RemoteWriteOutput::Create(
          config.remote_write, &scratch, remote_write::MakeCurlTransport, config.external_labels);
      !rw.ok()) {
    return common::StartError{"cannot start", log::Kv("err", rw.status().message()), 2};
  }
  return std::nullopt;
}

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
  if (cmd.version) {
    std::cout << common::VersionLine("hostmon-collector") << "\n";
    return 0;
  }
  if (!cmd.check_rules.empty()) return CheckRules({cmd.check_rules});
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, &level);
  log::SetLevel(level);
  if (std::optional<common::StartError> e = CheckCollectorStart(config)) {
    log::Error(e->message, e->fields);
    return e->exit_code;
  }
  if (cmd.check_config) {
    std::cout << "SUCCESS: configuration is valid\n";
    return 0;
  }

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
  // Type=notify: ready once every server listens. The watchdog is pinged from here, between
  // signals, only while the rule evaluation ticks move (Collector::Progress).
  const common::SystemdNotifier notifier = common::SystemdNotifier::FromEnvironment();
  common::ProgressWatchdog watchdog(&notifier);
  notifier.Ready("serving");
  // Woken every quarter of WatchdogSec: a tick anywhere in the last three quarters keeps it fed
  // (alerting.evaluation_tick, default 1s, must stay well below WatchdogSec).
  const absl::Duration ping_every = notifier.ping_interval();
  const timespec wait =
      absl::ToTimespec(ping_every == absl::InfiniteDuration() ? absl::Hours(1) : ping_every / 2);
  while (true) {
    watchdog.PingIfProgressed(collector.Progress());
    int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig < 0) continue;  // timeout (or EINTR): ping again if progressed
    if (sig == SIGHUP) {
      notifier.Send("RELOADING=1").IgnoreError();
      collector.ReloadRules("SIGHUP");
      notifier.Send("READY=1").IgnoreError();
      continue;
    }
    log::Info("stopping", log::Kv("signal", strsignal(sig)));
    notifier.Stopping("stopping");
    break;
  }
  collector.Stop();
  log::Info("stopped");
  return 0;
}

}  // namespace hostmon::collector
