// SPDX-License-Identifier: Apache-2.0
#include "agent/agent_app.h"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/contributor.h"
#include "agent/start_check.h"
#include "agent/transport/ingest_client.h"
#include "common/build_info.h"
#include "common/flags.h"
#include "common/fs_root.h"
#include "common/kept_files.h"
#include "common/log.h"
#include "common/start_error.h"
#include "common/systemd_notify.h"
#include "common/thread_name.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;

// The outcome of the last SIGHUP reload, in every batch (Prometheus's
// prometheus_config_last_reload_* convention), so a fleet-wide alert can find agents still
// running an old configuration after a rollout.
class ReloadStatus : public Contributor {
 public:
  ReloadStatus() : success_ms_(absl::ToUnixMillis(absl::Now())) {}
  void Record(bool ok) {
    ok_.store(ok);
    if (ok) success_ms_.store(absl::ToUnixMillis(absl::Now()));
  }
  void WriteTo(SampleWriter& out) override {
    static constexpr MetricDesc kSuccessful{
        "hostmon_agent_config_last_reload_successful", kGauge,
        "1 if the last configuration reload (SIGHUP) succeeded or none was requested, else 0."};
    static constexpr MetricDesc kSuccessTime{
        "hostmon_agent_config_last_reload_success_timestamp_seconds", kGauge,
        "Time of the last successful configuration load (start or reload), Unix seconds."};
    out.Add(kSuccessful, {}, ok_.load() ? 1 : 0);
    out.Add(kSuccessTime, {}, static_cast<double>(success_ms_.load()) / 1000.0);
  }

 private:
  std::atomic<bool> ok_{true};
  std::atomic<int64_t> success_ms_;
};

// One loaded configuration and what runs from it. Sources keep pointers to `config` and `fs`
// (their SourceContext), so both live here, at a stable address, as long as the agent.
struct Generation {
  AgentConfig config;
  std::unique_ptr<common::FsRoot> fs;
  AgentSources sources;  // built by Load; moved into the agent by Start
  std::unique_ptr<Agent> agent;
  std::thread loop;
};

// Reads the config file and the command line into a new generation, as a start does (the flags
// override the file), and runs the start checks, which also build the sources. Used at start and
// by every reload, so a reload accepts exactly what a start accepts.
std::optional<common::StartError> Load(int argc, const char* const* argv,
                                       const std::string& config_file, Generation* g,
                                       AgentCommandLine* cmd) {
  if (!config_file.empty()) {
    if (absl::Status s = LoadAgentConfigFile(config_file, &g->config); !s.ok()) {
      return common::StartError{"cannot load config", log::Kv("err", s.message()), 2};
    }
  }
  if (absl::Status s = ApplyAgentFlags(argc, argv, &g->config, cmd); !s.ok()) {
    return common::StartError{"invalid command line", log::Kv("err", s.message()), 2};
  }
  if (cmd->help || cmd->version) return std::nullopt;
  g->fs = std::make_unique<common::FsRoot>(g->config.procfs, g->config.sysfs, g->config.rootfs);
  // --once and --debug.cost do not connect, so they need no collector credentials;
  // --check-config checks them.
  const bool connects = cmd->check_config || !(cmd->once || cmd->debug_cost);
  return CheckAgentStart(&g->config, g->fs.get(), connects, &g->sources);
}

void ApplyLogLevel(const AgentConfig& config) {
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, &level);
  log::SetLevel(level);
}

// Creates the generation's agent, connects it and starts its loop thread.
std::optional<common::StartError> Start(Generation* g, const common::SystemdNotifier* notifier,
                                        ReloadStatus* reload_status) {
  auto agent = Agent::Create(g->config, std::move(g->sources));
  g->sources = AgentSources();
  if (!agent.ok()) {
    return common::StartError{"cannot open spool", log::Kv("err", agent.status().message()), 1};
  }
  if (absl::Status s = (*agent)->Connect(); !s.ok()) {
    return common::StartError{"cannot start", log::Kv("err", s.message()), 2};
  }
  g->agent = std::move(*agent);
  g->agent->SetNotifier(notifier);
  g->agent->AddContributor(reload_status);
  Agent* a = g->agent.get();
  g->loop = std::thread([a] {
    common::SetThreadName("hm-collect");
    a->Run();
  });
  return std::nullopt;
}

// Stops the generation's agent as SIGTERM does: the collection in progress completes, what is
// queued is sent within the grace period, the spool is flushed (so a spooled batch is never
// lost across a reload), then the agent, its sources and its listeners are closed.
void Stop(Generation* g) {
  if (g->agent == nullptr) return;
  g->agent->RequestStop();
  g->loop.join();
  g->agent.reset();
}

}  // namespace

int AgentMain(int argc, const char* const* argv) {
  ConfigureGrpcLibrary();  // first: no thread exists yet
  // procfs and sysfs files stay open from one collection to the next (common/kept_files.h): their
  // opens cost the kernel more than their reads. Never freed: a source may read until exit.
  common::SetKeptFiles(new common::KeptFiles(common::KeptFiles::Options{}));
  AgentCommandLine cmd;
  const std::string config_file = common::FindFlagValue(argc, argv, "config.file");
  auto current = std::make_unique<Generation>();
  if (std::optional<common::StartError> e = Load(argc, argv, config_file, current.get(), &cmd)) {
    ApplyLogLevel(current->config);
    log::Error(e->message, e->fields);
    return e->exit_code;
  }
  if (cmd.help) {
    std::cout << cmd.usage;
    return 0;
  }
  if (cmd.version) {
    std::cout << common::VersionLine("hostmon-agent") << "\n";
    return 0;
  }
  ApplyLogLevel(current->config);
  if (cmd.check_config) {
    std::cout << "SUCCESS: configuration is valid\n";
    return 0;
  }

  if (cmd.debug_cost) {
    std::string text = CollectCostReport(std::move(current->sources), cmd.debug_cost_collections);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return 0;
  }
  if (cmd.once) {
    std::string text = CollectOnceExposition(std::move(current->sources));
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return 0;
  }

  // Block the stop and reload signals before gRPC (or anything else) starts a thread, so that
  // every thread inherits the mask and only the sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Type=notify: ready once the collector client runs and the loop starts; the loop pings the
  // watchdog (deploy/systemd/hostmon-agent.service).
  const common::SystemdNotifier notifier = common::SystemdNotifier::FromEnvironment();
  ReloadStatus reload_status;
  if (std::optional<common::StartError> e = Start(current.get(), &notifier, &reload_status)) {
    log::Error(e->message, e->fields);
    return e->exit_code;
  }
  auto ready_status = [](const AgentConfig& c) {
    return absl::StrCat("collecting every ", absl::FormatDuration(c.interval));
  };
  notifier.Ready(ready_status(current->config));
  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig != SIGHUP) {
      log::Info("stopping", log::Kv("signal", strsignal(sig)));
      break;
    }
    // Reload: the new configuration is loaded and checked completely (sources built) while the
    // running agent goes on; only a configuration that would start replaces it. A bad one is
    // logged and the running agent is kept, as Prometheus does.
    log::Info("reloading configuration", log::Kv("file", config_file));
    auto next = std::make_unique<Generation>();
    AgentCommandLine next_cmd;
    if (std::optional<common::StartError> e =
            Load(argc, argv, config_file, next.get(), &next_cmd)) {
      log::Error("reload failed; the running configuration stays",
                 log::Kv("reason", e->message) + e->fields);
      reload_status.Record(false);
      notifier.Status("reload failed; running the previous configuration");
      continue;
    }
    notifier.Reloading("reloading configuration");
    Stop(current.get());
    ApplyLogLevel(next->config);
    if (std::optional<common::StartError> e = Start(next.get(), &notifier, &reload_status)) {
      // Checked, but it did not start (e.g. the mesh port is taken): go back to the previous
      // configuration, rebuilt from its checked values, so a reload never leaves the host
      // unmonitored. If even that fails, exit and let the service manager restart.
      log::Error("reload failed at start; restoring the previous configuration",
                 log::Kv("reason", e->message) + e->fields);
      reload_status.Record(false);
      ApplyLogLevel(current->config);
      Generation* old = current.get();
      if (std::optional<common::StartError> e2 =
              CheckAgentStart(&old->config, old->fs.get(), true, &old->sources)) {
        log::Error(e2->message, e2->fields);
        return e2->exit_code;
      }
      if (std::optional<common::StartError> e2 = Start(old, &notifier, &reload_status)) {
        log::Error(e2->message, e2->fields);
        return e2->exit_code;
      }
      notifier.Ready(ready_status(old->config));
      continue;
    }
    current = std::move(next);
    reload_status.Record(true);
    log::Info("configuration reloaded", log::Kv("file", config_file));
    notifier.Ready(ready_status(current->config));
  }
  notifier.Stopping("sending what is queued");
  Stop(current.get());
  return 0;
}

}  // namespace hostmon::agent
