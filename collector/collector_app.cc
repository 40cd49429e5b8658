// SPDX-License-Identifier: Apache-2.0
#include "collector/collector_app.h"

#include <signal.h>

#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "collector/alerting/rule_evaluator.h"
#include "collector/applied_log.h"
#include "collector/ingest_service.h"
#include "collector/remote_write/output.h"
#include "collector/web_server.h"
#include "common/exposition.h"
#include "common/flags.h"
#include "common/log.h"
#include "common/yaml_config.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/text_serializer.h"

namespace hostmon::collector {
namespace {

namespace log = common::log;

absl::Status PositiveDuration(const common::YamlConfig& y, const YAML::Node& map, const char* key,
                              const char* path, absl::Duration* out) {
  if (absl::Status s = y.GetDuration(map, key, path, out); !s.ok()) return s;
  if (map[key] && *out <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(map[key]), ": field \"", path, ".", key, "\": must be positive"));
  }
  return absl::OkStatus();
}

absl::Status PositiveInt(const common::YamlConfig& y, const YAML::Node& map, const char* key,
                         const char* path, int64_t* out) {
  if (absl::Status s = y.GetInt(map, key, path, out); !s.ok()) return s;
  if (map[key] && *out < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(map[key]), ": field \"", path, ".", key, "\": must be positive"));
  }
  return absl::OkStatus();
}

// The `alerting:` section (rules and Alertmanager push).
absl::Status LoadAlerting(const common::YamlConfig& y, const YAML::Node& root,
                          alerting::AlertingOptions* a) {
  YAML::Node al, am, basic;
  absl::Status s;
  if (s = y.GetMap(root, "alerting", "", &al); !s.ok()) return s;
  if (!al) return absl::OkStatus();
  if (s = y.CheckKeys(al, "alerting",
                      {"rule_files", "evaluation_tick", "resend_interval", "external_url",
                       "state_file", "state_save_interval", "alertmanagers"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetStringList(al, "rule_files", "alerting", &a->rule_files); !s.ok()) return s;
  if (s = PositiveDuration(y, al, "evaluation_tick", "alerting", &a->evaluation_tick); !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, al, "resend_interval", "alerting", &a->resend_interval); !s.ok()) {
    return s;
  }
  if (s = y.GetString(al, "external_url", "alerting", &a->external_url); !s.ok()) return s;
  if (s = y.GetString(al, "state_file", "alerting", &a->state_file); !s.ok()) return s;
  if (s = PositiveDuration(y, al, "state_save_interval", "alerting", &a->state_save_interval);
      !s.ok()) {
    return s;
  }
  if (s = y.GetMap(al, "alertmanagers", "alerting", &am); !s.ok()) return s;
  if (!am) return absl::OkStatus();
  constexpr const char* kAm = "alerting.alertmanagers";
  if (s = y.CheckKeys(am, kAm,
                      {"urls", "timeout", "queue_capacity", "max_batch_size", "retry_min_backoff",
                       "retry_max_backoff", "retry_give_up_after", "tls_ca_file",
                       "bearer_token_file", "basic_auth"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetStringList(am, "urls", kAm, &a->alertmanager_urls); !s.ok()) return s;
  if (am["urls"]) {
    for (size_t i = 0; i < a->alertmanager_urls.size(); ++i) {
      const std::string& url = a->alertmanager_urls[i];
      if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
        return absl::InvalidArgumentError(absl::StrCat(y.Where(am["urls"][i]), ": field \"", kAm,
                                                       ".urls[", i, "]\": \"", url,
                                                       "\" must start with http:// or https://"));
      }
    }
  }
  if (s = PositiveDuration(y, am, "timeout", kAm, &a->alertmanager_timeout); !s.ok()) return s;
  if (s = PositiveInt(y, am, "queue_capacity", kAm, &a->alertmanager_queue_capacity); !s.ok()) {
    return s;
  }
  if (s = PositiveInt(y, am, "max_batch_size", kAm, &a->alertmanager_max_batch_size); !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, am, "retry_min_backoff", kAm, &a->alertmanager_min_backoff);
      !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, am, "retry_max_backoff", kAm, &a->alertmanager_max_backoff);
      !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, am, "retry_give_up_after", kAm, &a->alertmanager_give_up_after);
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(am, "tls_ca_file", kAm, &a->http.ca_file); !s.ok()) return s;
  if (s = y.GetString(am, "bearer_token_file", kAm, &a->http.bearer_token_file); !s.ok()) return s;
  if (s = y.GetMap(am, "basic_auth", kAm, &basic); !s.ok()) return s;
  if (!basic) return absl::OkStatus();
  constexpr const char* kBasic = "alerting.alertmanagers.basic_auth";
  if (s = y.CheckKeys(basic, kBasic, {"username", "password_file"}); !s.ok()) return s;
  if (s = y.GetString(basic, "username", kBasic, &a->http.basic_auth_username); !s.ok()) return s;
  return y.GetString(basic, "password_file", kBasic, &a->http.basic_auth_password_file);
}

absl::Status LoadImpl(const common::YamlConfig& y, CollectorConfig* c) {
  const YAML::Node& root = y.root();
  absl::Status s =
      y.CheckKeys(root, "", {"grpc", "web", "hosts", "log", "alerting", "remote_write"});
  if (!s.ok()) return s;
  YAML::Node grpc, tls, web, hosts, logn;
  if (s = y.GetMap(root, "grpc", "", &grpc); !s.ok()) return s;
  if (s = y.CheckKeys(grpc, "grpc", {"listen_address", "tls"}); !s.ok()) return s;
  if (s = y.GetString(grpc, "listen_address", "grpc", &c->grpc_listen_address); !s.ok()) return s;
  if (s = y.GetMap(grpc, "tls", "grpc", &tls); !s.ok()) return s;
  if (s = y.CheckKeys(tls, "grpc.tls", {"cert_file", "key_file", "ca_file"}); !s.ok()) return s;
  if (s = y.GetString(tls, "cert_file", "grpc.tls", &c->tls.cert_file); !s.ok()) return s;
  if (s = y.GetString(tls, "key_file", "grpc.tls", &c->tls.key_file); !s.ok()) return s;
  if (s = y.GetString(tls, "ca_file", "grpc.tls", &c->tls.ca_file); !s.ok()) return s;
  if (s = y.GetMap(root, "web", "", &web); !s.ok()) return s;
  if (s = y.CheckKeys(web, "web", {"listen_address"}); !s.ok()) return s;
  if (s = y.GetString(web, "listen_address", "web", &c->web_listen_address); !s.ok()) return s;
  if (s = y.GetMap(root, "hosts", "", &hosts); !s.ok()) return s;
  if (s = y.CheckKeys(hosts, "hosts",
                      {"default_job", "default_interval", "staleness", "staleness_intervals",
                       "max_series_per_host"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(hosts, "default_job", "hosts", &c->hosts.default_job); !s.ok()) return s;
  if (s = y.GetDuration(hosts, "default_interval", "hosts", &c->hosts.default_interval); !s.ok()) {
    return s;
  }
  if (s = y.GetDuration(hosts, "staleness", "hosts", &c->hosts.staleness); !s.ok()) return s;
  int64_t n = c->hosts.staleness_intervals;
  if (s = y.GetInt(hosts, "staleness_intervals", "hosts", &n); !s.ok()) return s;
  if (n < 1 || n > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(y.Where(hosts["staleness_intervals"]),
                                                   ": field \"hosts.staleness_intervals\": must be "
                                                   "between 1 and 1000"));
  }
  c->hosts.staleness_intervals = static_cast<int>(n);
  int64_t max_series = static_cast<int64_t>(c->hosts.max_series_per_host);
  if (s = y.GetInt(hosts, "max_series_per_host", "hosts", &max_series); !s.ok()) return s;
  if (max_series < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(hosts["max_series_per_host"]),
                     ": field \"hosts.max_series_per_host\": must be positive"));
  }
  c->hosts.max_series_per_host = static_cast<size_t>(max_series);
  if (s = remote_write::LoadRemoteWriteConfigs(y, root["remote_write"], &c->remote_write);
      !s.ok()) {
    return s;
  }
  if (s = y.GetMap(root, "log", "", &logn); !s.ok()) return s;
  if (s = y.CheckKeys(logn, "log", {"level"}); !s.ok()) return s;
  if (s = y.GetString(logn, "level", "log", &c->log_level); !s.ok()) return s;
  return LoadAlerting(y, root, &c->alerting);
}

}  // namespace

absl::Status LoadCollectorConfigFile(const std::string& path, CollectorConfig* config) {
  auto y = common::YamlConfig::Load(path);
  if (!y.ok()) return y.status();
  try {
    return LoadImpl(*y, config);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": invalid config: ", e.what()));
  }
}

absl::Status ValidateCollectorConfig(const CollectorConfig& c) {
  if (!common::IsValidUtf8(c.hosts.default_job) || c.hosts.default_job.empty()) {
    return absl::InvalidArgumentError("hosts.default_job must be a non-empty UTF-8 string");
  }
  if (c.hosts.default_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("hosts.default_interval must be positive");
  }
  for (const auto& rw : c.remote_write) {
    if (absl::Status s = remote_write::ValidateRemoteWriteConfig(rw); !s.ok()) return s;
  }
  if (absl::Status s = log::ValidateLevel(c.log_level); !s.ok()) return s;
  return alerting::ValidateAlertingOptions(c.alerting);
}

namespace {

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

}  // namespace

int CollectorMain(int argc, const char* const* argv) {
  CollectorConfig config;
  std::string config_file = common::FindFlagValue(argc, argv, "config.file");
  if (!config_file.empty()) {
    absl::Status s = LoadCollectorConfigFile(config_file, &config);
    if (!s.ok()) {
      log::Error("cannot load config", log::Kv("err", s.message()));
      return 2;
    }
  }
  bool check_config = false;
  std::string check_rules;
  common::FlagSet flags("hostmon-collector");
  flags.String("config.file", &config_file, "YAML config file; flags override its values");
  flags.Bool("check-config", &check_config, "Validate the configuration and exit");
  flags.String("grpc.listen-address", &config.grpc_listen_address,
               "Address for agent streams (port 0 picks a free port)");
  flags.String("web.listen-address", &config.web_listen_address,
               "Address for /metrics, /-/healthy, /-/ready (port 0 picks a free port)");
  flags.String("tls.cert-file", &config.tls.cert_file, "Server certificate (PEM)");
  flags.String("tls.key-file", &config.tls.key_file, "Server private key (PEM)");
  flags.String("tls.ca-file", &config.tls.ca_file,
               "CA bundle (PEM); when set, agents must present a certificate it signed (mTLS)");
  flags.String("hosts.default-job", &config.hosts.default_job,
               "job label for hosts whose agent sends none");
  flags.Duration("staleness", &config.hosts.staleness,
                 "Drop a host's series after this long without data (0: 5 x the agent's interval)");
  flags.String("log.level", &config.log_level, "debug, info, warn or error");
  flags.String("check-rules", &check_rules, "Validate this rules file and exit (0: valid, 1: not)");
  flags.StringList("rules.file", &config.alerting.rule_files,
                   "Alerting rules file (repeatable; replaces alerting.rule_files)");
  flags.Duration("rules.evaluation-tick", &config.alerting.evaluation_tick,
                 "How often time-driven rule evaluation runs (for, host down)");
  flags.Duration("alerting.resend-interval", &config.alerting.resend_interval,
                 "Re-send firing alerts to Alertmanager this often");
  flags.String("alerting.state-file", &config.alerting.state_file,
               "Alert state saved here (every minute, at shutdown) and restored at start-up");
  flags.String("web.external-url", &config.alerting.external_url,
               "URL under which users reach this collector (generatorURL of alerts)");
  flags.StringList("alertmanager.url", &config.alerting.alertmanager_urls,
                   "Alertmanager base URL, e.g. http://127.0.0.1:9093 (repeatable; all get every "
                   "alert)");
  flags.Duration("alertmanager.timeout", &config.alerting.alertmanager_timeout,
                 "Timeout of one POST to an Alertmanager");
  std::vector<std::string> remote_write_urls;
  flags.StringList("remote-write.url", &remote_write_urls,
                   "Prometheus remote write receiver(s), comma-separated, added to the config "
                   "file's remote_write list with default queue settings");
  std::string applied_batches_file;
  flags.String("debug.applied-batches-file", &applied_batches_file,
               "Test aid: append one JSON line per applied batch (host, sequence, replayed, "
               "timestamp, samples) to this file");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
    log::Error("invalid command line", log::Kv("err", s.message()));
    return 2;
  }
  if (flags.help_requested()) {
    std::cout << flags.Usage();
    return 0;
  }
  if (!check_rules.empty()) return CheckRules({check_rules});
  for (const std::string& url : remote_write_urls) {
    config.remote_write.emplace_back().url = url;
  }
  if (absl::Status s = ValidateCollectorConfig(config); !s.ok()) {
    log::Error("invalid configuration", log::Kv("err", s.message()));
    return 2;
  }
  if (check_config) {
    // The rule files are part of the configuration: a broken one must fail the check too.
    if (CheckRules(config.alerting.rule_files) != 0) return 1;
    // Also reads the remote write credential files, as a start would.
    prometheus::Registry scratch;
    if (auto rw = remote_write::RemoteWriteOutput::Create(config.remote_write, &scratch);
        !rw.ok()) {
      log::Error("invalid configuration", log::Kv("err", rw.status().message()));
      return 2;
    }
    std::cout << "configuration OK\n";
    return 0;
  }
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, &level);
  log::SetLevel(level);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto creds = common::MakeServerCredentials(config.tls, config.grpc_listen_address);
  if (!creds.ok()) {
    log::Error("cannot start", log::Kv("err", creds.status().message()));
    return 2;
  }
  CollectorMetrics metrics;
  HostStore store(config.hosts, &common::RealClock::Get());
  std::unique_ptr<alerting::RuleEvaluator> engine =
      alerting::NewRuleEvaluator(&common::RealClock::Get());
  alerting::AlertingService alerts(config.alerting, engine.get(), &common::RealClock::Get(),
                                   &metrics.registry());
  if (absl::Status s = alerts.LoadInitialRules(); !s.ok()) {
    log::Error("cannot load rules", log::Kv("err", s.message()));
    return 2;
  }
  store.AddObserver(&alerts);
  std::unique_ptr<AppliedBatchLog> applied_log;
  if (!applied_batches_file.empty()) {
    auto opened = AppliedBatchLog::Open(applied_batches_file);
    if (!opened.ok()) {
      log::Error("cannot start", log::Kv("err", opened.status().message()));
      return 2;
    }
    applied_log = std::move(*opened);
    store.AddObserver(applied_log.get());
  }
  std::unique_ptr<remote_write::RemoteWriteOutput> remote_write;
  if (!config.remote_write.empty()) {
    auto rw = remote_write::RemoteWriteOutput::Create(config.remote_write, &metrics.registry());
    if (!rw.ok()) {
      log::Error("cannot start", log::Kv("err", rw.status().message()));
      return 2;
    }
    remote_write = std::move(*rw);
    store.AddObserver(remote_write.get());
    remote_write->Start();
    for (const auto& rwc : config.remote_write) {
      log::Info("remote write enabled",
                log::Kv("url", rwc.DisplayName()) +
                    log::Kv("wait_for_delivery", rwc.wait_for_delivery ? "true" : "false") +
                    log::Kv("capacity", static_cast<int64_t>(rwc.capacity)));
    }
  }
  IngestService service(&store, &metrics, remote_write.get());
  grpc::ServerBuilder builder;
  int grpc_port = 0;
  builder.AddListeningPort(config.grpc_listen_address, *creds, &grpc_port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  // Agents ping every 30 s to notice a dead collector; allow it, and ping them back to notice
  // dead agents.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || grpc_port == 0) {
    log::Error("cannot listen for gRPC", log::Kv("address", config.grpc_listen_address));
    return 1;
  }
  std::string grpc_host =
      config.grpc_listen_address.substr(0, config.grpc_listen_address.rfind(':'));
  log::Info("gRPC listening", log::Kv("grpc_address", absl::StrCat(grpc_host, ":", grpc_port)) +
                                  log::Kv("tls", config.tls.any() ? "on" : "off") +
                                  log::Kv("mtls", config.tls.ca_file.empty() ? "off" : "on"));

  std::map<std::string, WebServer::Handler> routes;
  routes["/metrics"] = [&](std::string* body, std::string* content_type) {
    std::string hosts_text;
    store.WriteExposition(&hosts_text);
    alerts.WriteExposition(&hosts_text);
    metrics.connected_agents.Set(static_cast<double>(store.connected_streams()));
    metrics.hosts.Set(static_cast<double>(store.host_count()));
    *body = prometheus::TextSerializer().Serialize(metrics.registry().Collect());
    body->append(hosts_text);
    *content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 200;
  };
  routes["/-/healthy"] = [](std::string* body, std::string*) {
    *body = "hostmon-collector is Healthy.\n";
    return 200;
  };
  routes["/-/ready"] = [](std::string* body, std::string*) {
    *body = "hostmon-collector is Ready.\n";
    return 200;
  };
  routes["/"] = [](std::string* body, std::string* content_type) {
    *content_type = "text/html; charset=utf-8";
    *body =
        "<html><head><title>hostmon collector</title></head><body><h1>hostmon collector</h1>"
        "<p><a href=\"/metrics\">/metrics</a> &middot; <a href=\"/-/healthy\">/-/healthy</a> "
        "&middot; <a href=\"/-/ready\">/-/ready</a> &middot; <a "
        "href=\"/api/v1/alerts\">/api/v1/alerts</a></p></body></html>\n";
    return 200;
  };
  routes["/api/v1/alerts"] = [&](std::string* body, std::string* content_type) {
    return alerts.ServeAlerts(body, content_type);
  };
  std::map<std::string, WebServer::RequestHandler> request_routes;
  request_routes["/-/reload"] = [&](const WebServer::Request& r, std::string* body,
                                    std::string* content_type) {
    return alerts.ServeReload(r.method, body, content_type);
  };
  auto web =
      WebServer::Start(config.web_listen_address, std::move(routes), std::move(request_routes));
  if (!web.ok()) {
    log::Error("cannot start", log::Kv("err", web.status().message()));
    server->Shutdown();
    return 1;
  }
  log::Info("web listening", log::Kv("web_address", (*web)->bound_address()));
  alerts.Start((*web)->bound_address());
  log::Info(
      "alerting started",
      log::Kv("rule_files", static_cast<int64_t>(config.alerting.rule_files.size())) +
          log::Kv("alertmanagers", static_cast<int64_t>(config.alerting.alertmanager_urls.size())));

  while (true) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      // The reloader logs the outcome; a broken file keeps the old rules.
      alerts.Reload("SIGHUP").IgnoreError();
      continue;
    }
    log::Info("stopping", log::Kv("signal", strsignal(sig)));
    break;
  }
  web->reset();
  service.DrainAll("shutting down");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  // After the streams ended, so the saved alert state records their hosts as at shutdown.
  alerts.Stop();
  // After the streams: what is still queued is unacknowledged, so agents re-send it.
  if (remote_write != nullptr) remote_write->Stop(absl::Seconds(5));
  log::Info("stopped");
  return 0;
}

}  // namespace hostmon::collector
