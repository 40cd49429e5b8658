// SPDX-License-Identifier: Apache-2.0
#include "collector/collector.h"

#include <stdlib.h>

#include <chrono>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "collector/host_views.h"
#include "common/build_info.h"
#include "common/clock.h"
#include "common/grpc_tls.h"
#include "common/http/web_config.h"
#include "common/log.h"
#include "prometheus/text_serializer.h"

namespace hostmon::collector {
namespace {

namespace log = common::log;

constexpr char kExpositionContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// For request routes that only read: 0 for GET and HEAD, else 405 with the body set.
int OnlyGet(const std::string& method, std::string* body) {
  if (method == "GET" || method == "HEAD") return 0;
  *body = absl::StrCat("method ", method, " not allowed; use GET\n");
  return 405;
}

}  // namespace

std::optional<std::string> GrpcExperimentsOverride(const char* current,
                                                   absl::string_view grpc_version) {
  if (current != nullptr || !absl::StartsWith(grpc_version, "1.51.")) return std::nullopt;
  return "-tcp_read_chunks";
}

void PrepareGrpcEnvironment() {
  if (auto value = GrpcExperimentsOverride(getenv("GRPC_EXPERIMENTS"), grpc::Version())) {
    setenv("GRPC_EXPERIMENTS", value->c_str(), /*overwrite=*/0);
  }
}

void ApplyIngestServerSettings(grpc::ServerBuilder* builder) {
  builder->SetMaxReceiveMessageSize(16 * 1024 * 1024);
  // Agents ping every 30 s to notice a dead collector; allow it, and ping them back to notice
  // dead agents.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  // Memory per connected agent (thousands of mostly idle streams; see GrpcExperimentsOverride in
  // collector.h). A connection reads into a block sized by its recent reads, starting at the
  // read chunk size, and keeps the block's unused tail for its next read: without a cap, the
  // definitions batch that opens a stream (up to MBs) would leave every connection holding a block
  // that large for hours. Larger messages are read in several rounds of at most the cap.
  builder->AddChannelArgument(GRPC_ARG_TCP_READ_CHUNK_SIZE, kGrpcReadChunkBytes);
  builder->AddChannelArgument(GRPC_ARG_TCP_MAX_READ_CHUNK_SIZE, kGrpcMaxReadChunkBytes);
  // No BDP probing: it grows a connection's receive window towards MBs, which an agent may then
  // fill while its stream is paused (full outputs, rate limit); the default window (64 kB) bounds
  // that, and an agent's few kB per interval never need more.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  // channelz is never queried; it would keep a socket node per connection.
  builder->AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);
}

Collector::Collector(CollectorConfig config, std::string applied_batches_file)
    : config_(std::move(config)), applied_batches_file_(std::move(applied_batches_file)) {}

Collector::~Collector() {
  if (started_) Stop();
}

std::optional<common::StartError> Collector::Start() {
  auto creds = common::MakeServerCredentials(config_.tls, config_.grpc_listen_address);
  if (!creds.ok())
    return common::StartError{"cannot start", log::Kv("err", creds.status().message()), 2};
  store_ = std::make_unique<HostStore>(config_.hosts, &common::RealClock::Get());
  engine_ = alerting::NewRuleEvaluator(&common::RealClock::Get());
  alerts_ = std::make_unique<alerting::AlertingService>(
      config_.alerting, engine_.get(), &common::RealClock::Get(), &metrics_.registry());
  if (absl::Status s = alerts_->LoadInitialRules(); !s.ok()) {
    return common::StartError{"cannot load rules", log::Kv("err", s.message()), 2};
  }
  if (config_.mesh.enabled) {
    // Between the store and the rule engine: it adds the mesh verdicts to each host's batch.
    mesh_ = std::make_unique<MeshCoordinator>(config_.mesh, alerts_.get());
    store_->AddObserver(mesh_.get());
    mesh_->Start();
  } else {
    store_->AddObserver(alerts_.get());
  }
  if (!applied_batches_file_.empty()) {
    auto opened = AppliedBatchLog::Open(applied_batches_file_);
    if (!opened.ok()) {
      return common::StartError{"cannot start", log::Kv("err", opened.status().message()), 2};
    }
    applied_log_ = std::move(*opened);
    store_->AddObserver(applied_log_.get());
  }
  if (!config_.remote_write.empty()) {
    auto rw = remote_write::RemoteWriteOutput::Create(config_.remote_write, &metrics_.registry(),
                                                      remote_write::MakeCurlTransport,
                                                      config_.external_labels);
    if (!rw.ok())
      return common::StartError{"cannot start", log::Kv("err", rw.status().message()), 2};
    remote_write_ = std::move(*rw);
    store_->AddObserver(remote_write_.get());
    remote_write_->Start();
    for (const auto& rwc : config_.remote_write) {
      log::Info("remote write enabled",
                log::Kv("url", rwc.DisplayName()) +
                    log::Kv("wait_for_delivery", rwc.wait_for_delivery ? "true" : "false") +
                    log::Kv("capacity", static_cast<int64_t>(rwc.capacity)));
    }
  }
  service_ = std::make_unique<IngestService>(store_.get(), &metrics_, remote_write_.get(),
                                             mesh_.get(), config_.ingest);
  if (!config_.tls.ca_file.empty()) {
    auto identity = IdentityPolicy::Create(config_.identity);
    if (!identity.ok()) {
      return common::StartError{"cannot start", log::Kv("err", identity.status().message()), 2};
    }
    identity_ = *std::move(identity);
    service_->set_identity(identity_.get());
  }
  grpc::ServerBuilder builder;
  int grpc_port = 0;
  builder.AddListeningPort(config_.grpc_listen_address, *creds, &grpc_port);
  builder.RegisterService(service_.get());
  ApplyIngestServerSettings(&builder);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port == 0) {
    return common::StartError{"cannot listen for gRPC",
                              log::Kv("address", config_.grpc_listen_address), 1};
  }
  std::string grpc_host =
      config_.grpc_listen_address.substr(0, config_.grpc_listen_address.rfind(':'));
  log::Info("gRPC listening",
            log::Kv("grpc_address", absl::StrCat(grpc_host, ":", grpc_port)) +
                log::Kv("tls", config_.tls.any() ? "on" : "off") +
                log::Kv("mtls", config_.tls.ca_file.empty() ? "off" : "on") +
                log::Kv("identity", config_.tls.ca_file.empty() ? "host names trusted as claimed"
                                                                : config_.identity.mode));

  std::map<std::string, WebServer::Handler> routes;
  // The collector's own series. In /metrics they come first: hosts past their staleness are
  // dropped before the gauges are read, as the hosts' exposition would drop them.
  auto collector_exposition = [this]() {
    store_->ExpireHosts();
    metrics_.connected_agents.Set(static_cast<double>(store_->connected_streams()));
    metrics_.hosts.Set(static_cast<double>(store_->host_count()));
    metrics_.stored_series.Set(static_cast<double>(store_->stored_series()));
    metrics_.defined_series.Set(static_cast<double>(store_->defined_series()));
    return prometheus::TextSerializer().Serialize(metrics_.registry().Collect());
  };
  std::map<std::string, WebServer::StreamHandler> stream_routes;
  // Streamed: with a large fleet the hosts' series run to hundreds of MB, which must neither sit
  // in memory whole nor wait for a slow client while the store is busy with them.
  stream_routes["/metrics"] = [this, collector_exposition](
                                  const WebServer::Request& r, std::string* body,
                                  std::string* content_type, WebServer::BodyProducer* producer) {
    if (int code = OnlyGet(r.method, body); code != 0) return code;
    *content_type = kExpositionContentType;
    *producer = [this, collector_exposition](const WebServer::BodyWriter& write) {
      if (!write(collector_exposition()) || !store_->StreamExposition(write)) return false;
      std::string alerts_text;
      alerts_->WriteExposition(&alerts_text);
      return write(alerts_text);
    };
    return 200;
  };
  // /metrics without the hosts' series (the alert engine's stay), for setups that scrape the
  // hosts through their per-host targets.
  routes["/metrics/collector"] = [this, collector_exposition](std::string* body,
                                                              std::string* content_type) {
    *body = collector_exposition();
    alerts_->WriteExposition(body);
    *content_type = kExpositionContentType;
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
  routes["/"] = [this](std::string* body, std::string* content_type) {
    std::map<std::string, int> firing;
    for (const alerting::Alert& a : engine_->Alerts()) {
      if (a.state != alerting::AlertState::kFiring) continue;
      for (const auto& [k, v] : a.labels) {
        if (k == "instance") firing[v]++;
      }
    }
    FleetPageOptions options;
    options.version = common::VersionLine("hostmon-collector");
    options.now = common::RealClock::Get().Now();
    *content_type = "text/html; charset=utf-8";
    *body = RenderFleetPage(store_->Hosts(), firing, options);
    return 200;
  };
  routes["/api/v1/alerts"] = [this](std::string* body, std::string* content_type) {
    return alerts_->ServeAlerts(body, content_type);
  };
  if (mesh_ != nullptr) {
    routes["/api/v1/mesh"] = [this](std::string* body, std::string* content_type) {
      return mesh_->ServeMesh(body, content_type);
    };
  }
  std::map<std::string, WebServer::RequestHandler> request_routes;
  // One host's series, the scrape target /api/v1/targets hands out for it. A stale or gone host
  // answers 503, so Prometheus's `up` for it is 0.
  request_routes[std::string(kHostMetricsPrefix)] = [this](const WebServer::Request& r,
                                                           std::string* body,
                                                           std::string* content_type) {
    if (int code = OnlyGet(r.method, body); code != 0) return code;
    std::string text;
    absl::Status s = store_->WriteHostExposition(r.path.substr(kHostMetricsPrefix.size()), &text);
    if (!s.ok()) {
      *body = absl::StrCat(s.message(), "\n");
      return absl::IsNotFound(s) ? 404 : 503;
    }
    *body = std::move(text);
    *content_type = kExpositionContentType;
    return 200;
  };
  request_routes["/api/v1/targets"] = [this](const WebServer::Request& r, std::string* body,
                                             std::string* content_type) {
    if (int code = OnlyGet(r.method, body); code != 0) return code;
    *body = EncodeHttpSdTargets(store_->Hosts(), TargetAddress(r.host, config_.web_listen_address));
    *content_type = "application/json";
    return 200;
  };
  request_routes["/-/reload"] = [this](const WebServer::Request& r, std::string* body,
                                       std::string* content_type) {
    // Prometheus's convention: endpoints that change the server are off unless asked for, so an
    // anonymous client on the network cannot make the collector re-read its rules in a loop.
    if ((r.method == "POST" || r.method == "PUT") && !config_.web_enable_lifecycle) {
      *body = "Lifecycle API is not enabled (--web.enable-lifecycle).\n";
      return 403;
    }
    return alerts_->ServeReload(r.method, body, content_type);
  };
  WebServer::Options web_options;
  web_options.max_connections = static_cast<int>(config_.web_max_connections);
  web_options.read_timeout = config_.web_read_timeout;
  if (!config_.web_config_file.empty()) {
    auto web_config = common::LoadWebConfigFile(config_.web_config_file);
    if (!web_config.ok()) {
      server_->Shutdown();
      server_.reset();
      return common::StartError{"invalid web config", log::Kv("err", web_config.status().message()),
                                2};
    }
    web_options.web_config = std::make_shared<common::WebConfig>(std::move(*web_config));
  }
  const bool web_tls = web_options.web_config != nullptr && web_options.web_config->tls.enabled();
  const bool web_auth =
      web_options.web_config != nullptr && !web_options.web_config->basic_auth_users.empty();
  auto web =
      WebServer::Start(config_.web_listen_address, std::move(routes), std::move(request_routes),
                       std::move(web_options), std::move(stream_routes));
  if (!web.ok()) {
    server_->Shutdown();
    server_.reset();
    return common::StartError{"cannot start", log::Kv("err", web.status().message()), 1};
  }
  web_ = std::move(*web);
  log::Info("web listening", log::Kv("web_address", web_->bound_address()) +
                                 log::Kv("tls", web_tls ? "on" : "off") +
                                 log::Kv("basic_auth", web_auth ? "on" : "off") +
                                 log::Kv("lifecycle", config_.web_enable_lifecycle ? "on" : "off"));
  alerts_->Start(web_->bound_address());
  log::Info("alerting started",
            log::Kv("rule_files", static_cast<int64_t>(config_.alerting.rule_files.size())) +
                log::Kv("alertmanagers",
                        static_cast<int64_t>(config_.alerting.alertmanager_urls.size())));
  started_ = true;
  return std::nullopt;
}

uint64_t Collector::Progress() const { return alerts_ != nullptr ? alerts_->ticks() : 0; }

void Collector::ReloadRules(absl::string_view trigger) {
  // The reloader logs the outcome; a broken file keeps the old rules.
  alerts_->Reload(trigger).IgnoreError();
}

void Collector::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  web_.reset();
  service_->DrainAll("shutting down");
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  // After the streams ended, so the saved alert state records their hosts as at shutdown.
  alerts_->Stop();
  if (mesh_ != nullptr) mesh_->Stop();
  // After the streams: what is still queued is unacknowledged, so agents re-send it.
  if (remote_write_ != nullptr) remote_write_->Stop(absl::Seconds(5));
}

}  // namespace hostmon::collector
