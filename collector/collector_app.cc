// SPDX-License-Identifier: Apache-2.0
#include "collector/collector_app.h"

#include <signal.h>

#include <iostream>

#include "absl/strings/str_cat.h"
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

absl::Status LoadImpl(const common::YamlConfig& y, CollectorConfig* c) {
  const YAML::Node& root = y.root();
  absl::Status s = y.CheckKeys(root, "", {"grpc", "web", "hosts", "log", "remote_write"});
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
  return y.GetString(logn, "level", "log", &c->log_level);
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
  return log::ValidateLevel(c.log_level);
}

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
  for (const std::string& url : remote_write_urls) {
    config.remote_write.emplace_back().url = url;
  }
  if (absl::Status s = ValidateCollectorConfig(config); !s.ok()) {
    log::Error("invalid configuration", log::Kv("err", s.message()));
    return 2;
  }
  if (check_config) {
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
        "&middot; <a href=\"/-/ready\">/-/ready</a></p></body></html>\n";
    return 200;
  };
  auto web = WebServer::Start(config.web_listen_address, std::move(routes));
  if (!web.ok()) {
    log::Error("cannot start", log::Kv("err", web.status().message()));
    server->Shutdown();
    return 1;
  }
  log::Info("web listening", log::Kv("web_address", (*web)->bound_address()));

  while (true) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      log::Info("SIGHUP received; nothing to reload yet");
      continue;
    }
    log::Info("stopping", log::Kv("signal", strsignal(sig)));
    break;
  }
  web->reset();
  service.DrainAll("shutting down");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  // After the streams: what is still queued is unacknowledged, so agents re-send it.
  if (remote_write != nullptr) remote_write->Stop(absl::Seconds(5));
  log::Info("stopped");
  return 0;
}

}  // namespace hostmon::collector
