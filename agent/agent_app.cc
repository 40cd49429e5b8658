// SPDX-License-Identifier: Apache-2.0
#include "agent/agent_app.h"

#include <signal.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/start_check.h"
#include "common/build_info.h"
#include "common/flags.h"
#include "common/fs_root.h"
#include "common/log.h"
#include "common/systemd_notify.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;

}  // namespace

int AgentMain(int argc, const char* const* argv) {
  AgentConfig config;
  AgentCommandLine cmd;
  cmd.config_file = common::FindFlagValue(argc, argv, "config.file");
  if (!cmd.config_file.empty()) {
    if (absl::Status s = LoadAgentConfigFile(cmd.config_file, &config); !s.ok()) {
      log::Error("cannot load config", log::Kv("err", s.message()));
      return 2;
    }
  }
  if (absl::Status s = ApplyAgentFlags(argc, argv, &config, &cmd); !s.ok()) {
    log::Error("invalid command line", log::Kv("err", s.message()));
    return 2;
  }
  if (cmd.help) {
    std::cout << cmd.usage;
    return 0;
  }
  if (cmd.version) {
    std::cout << common::VersionLine("hostmon-agent") << "\n";
    return 0;
  }
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, &level);
  log::SetLevel(level);

  // Sources may keep pointers to `fs` and `config` (their SourceContext): both outlive them.
  common::FsRoot fs(config.procfs, config.sysfs, config.rootfs);
  AgentSources sources;
  if (std::optional<common::StartError> e =
          CheckAgentStart(&config, &fs, cmd.check_config || !cmd.once, &sources)) {
    log::Error(e->message, e->fields);
    return e->exit_code;
  }
  if (cmd.check_config) {
    std::cout << "SUCCESS: configuration is valid\n";
    return 0;
  }

  if (cmd.once) {
    std::string text = CollectOnceExposition(std::move(sources));
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return 0;
  }

  // Block the stop signals before gRPC (or anything else) starts a thread, so that every thread
  // inherits the mask and only the sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto agent = Agent::Create(config, std::move(sources));
  if (!agent.ok()) {
    log::Error("cannot open spool", log::Kv("err", agent.status().message()));
    return 1;
  }
  if (absl::Status s = (*agent)->Connect(); !s.ok()) {
    log::Error("cannot start", log::Kv("err", s.message()));
    return 2;
  }
  // Type=notify: ready once the collector client runs and the loop starts; the loop pings the
  // watchdog (deploy/systemd/hostmon-agent.service).
  const common::SystemdNotifier notifier = common::SystemdNotifier::FromEnvironment();
  (*agent)->SetNotifier(&notifier);
  std::thread loop([&agent] { (*agent)->Run(); });
  notifier.Ready(absl::StrCat("collecting every ", absl::FormatDuration(config.interval)));
  int stop_signal = 0;
  while (sigwait(&stop_signals, &stop_signal) != 0) {
  }
  log::Info("stopping", log::Kv("signal", strsignal(stop_signal)));
  notifier.Stopping("sending what is queued");
  (*agent)->RequestStop();
  loop.join();
  return 0;
}

}  // namespace hostmon::agent
