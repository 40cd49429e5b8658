// SPDX-License-Identifier: Apache-2.0
#include "collector/collector_config.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "collector/alerting/alerting_config.h"
#include "common/exposition.h"
#include "common/exposition_text.h"
#include "common/flags.h"
#include "common/host_identity.h"
#include "common/log.h"
#include "common/yaml_config.h"

namespace hostmon::collector {
namespace {

namespace log = common::log;

absl::Status LoadMesh(const common::YamlConfig& y, const YAML::Node& root, MeshConfig* c) {
  YAML::Node m;
  absl::Status s = y.GetMap(root, "mesh", "", &m);
  if (!s.ok() || !m) return s;
  if (s = y.CheckKeys(m, "mesh",
                      {"enabled", "max_peers_per_agent", "rotation_interval", "group_label",
                       "regions", "window", "slow_rtt", "slow_loss_ratio"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetBool(m, "enabled", "mesh", &c->enabled); !s.ok()) return s;
  int64_t peers = c->max_peers_per_agent;
  if (s = y.GetInt(m, "max_peers_per_agent", "mesh", &peers); !s.ok()) return s;
  if (peers < 1 || peers > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(m["max_peers_per_agent"]),
                     ": field \"mesh.max_peers_per_agent\": must be between 1 and 1000"));
  }
  c->max_peers_per_agent = static_cast<int>(peers);
  if (s = y.GetDuration(m, "rotation_interval", "mesh", &c->rotation_interval); !s.ok()) return s;
  if (s = y.GetString(m, "group_label", "mesh", &c->group_label); !s.ok()) return s;
  if (s = y.GetStringMap(m, "regions", "mesh", &c->regions); !s.ok()) return s;
  if (s = y.GetDuration(m, "window", "mesh", &c->window); !s.ok()) return s;
  YAML::Node slow;
  if (s = y.GetMap(m, "slow_rtt", "mesh", &slow); !s.ok()) return s;
  if (s = y.CheckKeys(slow, "mesh.slow_rtt", {"intra_dc", "regional", "global"}); !s.ok()) return s;
  for (const char* k : {"intra_dc", "regional", "global"}) {
    if (s = y.GetDuration(slow, k, "mesh.slow_rtt", &c->slow_rtt[k]); !s.ok()) return s;
  }
  std::string ratio;
  if (s = y.GetString(m, "slow_loss_ratio", "mesh", &ratio); !s.ok()) return s;
  if (!ratio.empty() && (!absl::SimpleAtod(ratio, &c->slow_loss_ratio) ||
                         !(c->slow_loss_ratio > 0 && c->slow_loss_ratio <= 1))) {
    return absl::InvalidArgumentError(absl::StrCat(
        y.Where(m["slow_loss_ratio"]),
        ": field \"mesh.slow_loss_ratio\": expected a number in (0, 1], got \"", ratio, "\""));
  }
  return absl::OkStatus();
}

absl::Status LoadIngest(const common::YamlConfig& y, const YAML::Node& root, CollectorConfig* c) {
  YAML::Node n;
  absl::Status s = y.GetMap(root, "ingest", "", &n);
  if (!s.ok() || !n) return s;
  if (s = y.CheckKeys(
          n, "ingest",
          {"hello_timeout", "max_samples_per_second", "max_timestamp_future", "max_timestamp_age"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetDuration(n, "hello_timeout", "ingest", &c->ingest.hello_timeout); !s.ok()) return s;
  if (s = y.GetDuration(n, "max_timestamp_future", "ingest", &c->hosts.max_timestamp_future);
      !s.ok()) {
    return s;
  }
  if (s = y.GetDuration(n, "max_timestamp_age", "ingest", &c->hosts.max_timestamp_age); !s.ok()) {
    return s;
  }
  std::string rate;
  if (s = y.GetString(n, "max_samples_per_second", "ingest", &rate); !s.ok()) return s;
  if (!rate.empty() && (!absl::SimpleAtod(rate, &c->ingest.max_samples_per_second) ||
                        !(c->ingest.max_samples_per_second >= 0))) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(n["max_samples_per_second"]),
                     ": field \"ingest.max_samples_per_second\": expected a number >= 0 (0: "
                     "unlimited), got \"",
                     rate, "\""));
  }
  return absl::OkStatus();
}

absl::Status LoadImpl(const common::YamlConfig& y, CollectorConfig* c) {
  const YAML::Node& root = y.root();
  absl::Status s = y.CheckKeys(root, "",
                               {"grpc", "web", "hosts", "ingest", "log", "alerting", "remote_write",
                                "external_labels", "mesh"});
  if (!s.ok()) return s;
  YAML::Node grpc, tls, web, hosts, logn;
  if (s = y.GetMap(root, "grpc", "", &grpc); !s.ok()) return s;
  if (s = y.CheckKeys(grpc, "grpc", {"listen_address", "tls", "identity"}); !s.ok()) return s;
  if (s = y.GetString(grpc, "listen_address", "grpc", &c->grpc_listen_address); !s.ok()) return s;
  if (s = y.GetMap(grpc, "tls", "grpc", &tls); !s.ok()) return s;
  if (s = y.CheckKeys(tls, "grpc.tls", {"cert_file", "key_file", "ca_file"}); !s.ok()) return s;
  if (s = y.GetString(tls, "cert_file", "grpc.tls", &c->tls.cert_file); !s.ok()) return s;
  if (s = y.GetString(tls, "key_file", "grpc.tls", &c->tls.key_file); !s.ok()) return s;
  if (s = y.GetString(tls, "ca_file", "grpc.tls", &c->tls.ca_file); !s.ok()) return s;
  YAML::Node identity;
  if (s = y.GetMap(grpc, "identity", "grpc", &identity); !s.ok()) return s;
  if (s = y.CheckKeys(identity, "grpc.identity", {"mode", "suffix", "regex", "fingerprints_file"});
      !s.ok()) {
    return s;
  }
  for (auto [key, target] : {std::pair<const char*, std::string*>{"mode", &c->identity.mode},
                             {"suffix", &c->identity.suffix},
                             {"regex", &c->identity.regex},
                             {"fingerprints_file", &c->identity.fingerprints_file}}) {
    if (s = y.GetString(identity, key, "grpc.identity", target); !s.ok()) return s;
  }
  if (s = y.GetMap(root, "web", "", &web); !s.ok()) return s;
  if (s = y.CheckKeys(
          web, "web",
          {"listen_address", "config_file", "enable_lifecycle", "max_connections", "read_timeout"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(web, "listen_address", "web", &c->web_listen_address); !s.ok()) return s;
  if (s = y.GetString(web, "config_file", "web", &c->web_config_file); !s.ok()) return s;
  if (s = y.GetBool(web, "enable_lifecycle", "web", &c->web_enable_lifecycle); !s.ok()) return s;
  if (s = y.GetInt(web, "max_connections", "web", &c->web_max_connections); !s.ok()) return s;
  if (s = y.GetDuration(web, "read_timeout", "web", &c->web_read_timeout); !s.ok()) return s;
  if (s = y.GetMap(root, "hosts", "", &hosts); !s.ok()) return s;
  if (s = y.CheckKeys(hosts, "hosts",
                      {"default_job", "default_interval", "staleness", "staleness_intervals",
                       "max_series_per_host", "max_series_total", "max_hosts",
                       "max_hosts_per_client", "gone_retention", "allowed_static_labels"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(hosts, "default_job", "hosts", &c->hosts.default_job); !s.ok()) return s;
  if (s = y.GetDuration(hosts, "default_interval", "hosts", &c->hosts.default_interval); !s.ok()) {
    return s;
  }
  if (s = y.GetDuration(hosts, "staleness", "hosts", &c->hosts.staleness); !s.ok()) return s;
  if (s = y.GetStringList(hosts, "allowed_static_labels", "hosts", &c->hosts.allowed_static_labels);
      !s.ok()) {
    return s;
  }
  if (s = y.GetDuration(hosts, "gone_retention", "hosts", &c->hosts.gone_retention); !s.ok()) {
    return s;
  }
  int64_t n = c->hosts.staleness_intervals;
  if (s = y.GetInt(hosts, "staleness_intervals", "hosts", &n); !s.ok()) return s;
  if (n < 1 || n > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(y.Where(hosts["staleness_intervals"]),
                                                   ": field \"hosts.staleness_intervals\": must be "
                                                   "between 1 and 1000"));
  }
  c->hosts.staleness_intervals = static_cast<int>(n);
  for (auto [key, field] : {std::pair{"max_series_per_host", &c->hosts.max_series_per_host},
                            std::pair{"max_series_total", &c->hosts.max_series_total},
                            std::pair{"max_hosts", &c->hosts.max_hosts},
                            std::pair{"max_hosts_per_client", &c->hosts.max_hosts_per_client}}) {
    int64_t v = static_cast<int64_t>(*field);
    if (s = y.GetInt(hosts, key, "hosts", &v); !s.ok()) return s;
    if (v < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(hosts[key]), ": field \"hosts.", key, "\": must be positive"));
    }
    *field = static_cast<size_t>(v);
  }
  if (s = LoadIngest(y, root, c); !s.ok()) return s;
  if (s = remote_write::LoadRemoteWriteConfigs(y, root["remote_write"], &c->remote_write);
      !s.ok()) {
    return s;
  }
  if (s = remote_write::LoadExternalLabels(y, root, &c->external_labels); !s.ok()) return s;
  if (s = LoadMesh(y, root, &c->mesh); !s.ok()) return s;
  if (s = y.GetMap(root, "log", "", &logn); !s.ok()) return s;
  if (s = y.CheckKeys(logn, "log", {"level"}); !s.ok()) return s;
  if (s = y.GetString(logn, "level", "log", &c->log_level); !s.ok()) return s;
  return alerting::LoadAlertingConfig(y, root, &c->alerting);
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

absl::Status ApplyCollectorFlags(int argc, const char* const* argv, CollectorConfig* config,
                                 CollectorCommandLine* cmd) {
  common::FlagSet flags("hostmon-collector");
  flags.String("config.file", &cmd->config_file, "YAML config file; flags override its values");
  flags.Bool("check-config", &cmd->check_config,
             "Validate the configuration as a start would, without listening, and exit (0: "
             "valid, 2: not)");
  flags.Bool("version", &cmd->version, "Print the version and build information and exit");
  flags.String("grpc.listen-address", &config->grpc_listen_address,
               "Address for agent streams (port 0 picks a free port)");
  flags.String("web.listen-address", &config->web_listen_address,
               "Address for /metrics, /-/healthy, /-/ready (port 0 picks a free port)");
  flags.String("web.config.file", &config->web_config_file,
               "Web config file (Prometheus's format): TLS and basic auth for the web port");
  flags.Bool("web.enable-lifecycle", &config->web_enable_lifecycle,
             "Allow POST /-/reload (otherwise it answers 403)");
  flags.Duration("web.read-timeout", &config->web_read_timeout,
                 "A web client must complete its request (TLS handshake, headers, body) within "
                 "this time after connecting");
  flags.String("tls.cert-file", &config->tls.cert_file, "Server certificate (PEM)");
  flags.String("tls.key-file", &config->tls.key_file, "Server private key (PEM)");
  flags.String("tls.ca-file", &config->tls.ca_file,
               "CA bundle (PEM); when set, agents must present a certificate it signed (mTLS)");
  flags.String("hosts.default-job", &config->hosts.default_job,
               "job label for hosts whose agent sends none");
  flags.StringList("hosts.allowed-static-labels", &config->hosts.allowed_static_labels,
                   "Static label names agents may set, comma-separated (default: any name that "
                   "is not reserved, except job)");
  flags.String("identity.mode", &config->identity.mode,
               "With mTLS, the host names a client certificate may claim: exact, suffix, regex "
               "or any");
  flags.String("identity.fingerprints-file", &config->identity.fingerprints_file,
               "Host names allowed per client certificate SHA-256 fingerprint (shared "
               "certificates)");
  flags.Duration("staleness", &config->hosts.staleness,
                 "Drop a host's series after this long without data (0: 5 x the agent's interval)");
  flags.String("log.level", &config->log_level, "debug, info, warn or error");
  flags.String("check-rules", &cmd->check_rules,
               "Validate this rules file and exit (0: valid, 1: not)");
  flags.StringList("rules.file", &config->alerting.rule_files,
                   "Alerting rules file (repeatable; replaces alerting.rule_files)");
  flags.Duration("rules.evaluation-tick", &config->alerting.evaluation_tick,
                 "How often time-driven rule evaluation runs (for, host down)");
  flags.Duration("alerting.resend-interval", &config->alerting.resend_interval,
                 "Re-send firing alerts to Alertmanager this often");
  flags.String("alerting.state-file", &config->alerting.state_file,
               "Alert state saved here (every minute, at shutdown) and restored at start-up");
  flags.String("web.external-url", &config->alerting.external_url,
               "URL under which users reach this collector (generatorURL of alerts)");
  flags.StringList("alertmanager.url", &config->alerting.alertmanager_urls,
                   "Alertmanager base URL, e.g. http://127.0.0.1:9093 (repeatable; all get every "
                   "alert)");
  flags.Duration("alertmanager.timeout", &config->alerting.alertmanager_timeout,
                 "Timeout of one POST to an Alertmanager");
  std::vector<std::string> remote_write_urls;
  flags.StringList("remote-write.url", &remote_write_urls,
                   "Prometheus remote write receiver(s), comma-separated, added to the config "
                   "file's remote_write list with default queue settings");
  flags.String("debug.applied-batches-file", &cmd->applied_batches_file,
               "Test aid: append one JSON line per applied batch (host, sequence, replayed, "
               "timestamp, samples) to this file");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return s;
  if (flags.help_requested()) {
    cmd->help = true;
    cmd->usage = flags.Usage();
    return absl::OkStatus();
  }
  for (const std::string& url : remote_write_urls) {
    config->remote_write.emplace_back().url = url;
  }
  return absl::OkStatus();
}

absl::Status ValidateCollectorConfig(const CollectorConfig& c) {
  if (!common::IsValidUtf8(c.hosts.default_job) || c.hosts.default_job.empty()) {
    return absl::InvalidArgumentError("hosts.default_job must be a non-empty UTF-8 string");
  }
  if (c.hosts.default_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("hosts.default_interval must be positive");
  }
  if (c.hosts.gone_retention < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("hosts.gone_retention must not be negative");
  }
  if (c.ingest.hello_timeout < absl::Seconds(1) || c.ingest.hello_timeout > absl::Hours(1)) {
    return absl::InvalidArgumentError("ingest.hello_timeout must be between 1s and 1h");
  }
  if (c.hosts.max_timestamp_future < absl::Seconds(1)) {
    return absl::InvalidArgumentError("ingest.max_timestamp_future must be at least 1s");
  }
  if (c.hosts.max_timestamp_age != absl::ZeroDuration() &&
      c.hosts.max_timestamp_age < absl::Minutes(1)) {
    return absl::InvalidArgumentError(
        "ingest.max_timestamp_age must be 0 (no bound) or at least 1m");
  }
  for (const std::string& name : c.hosts.allowed_static_labels) {
    if (absl::Status s = common::ValidateStaticLabel(name, ""); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("hosts.allowed_static_labels: ", s.message()));
    }
  }
  if (absl::Status s = ValidateIdentityConfig(c.identity); !s.ok()) return s;
  for (const auto& rw : c.remote_write) {
    if (absl::Status s = remote_write::ValidateRemoteWriteConfig(rw); !s.ok()) return s;
  }
  if (c.mesh.enabled) {
    if (c.mesh.rotation_interval < absl::Seconds(10)) {
      return absl::InvalidArgumentError("mesh.rotation_interval must be at least 10s");
    }
    if (c.mesh.window < absl::Seconds(10)) {
      return absl::InvalidArgumentError("mesh.window must be at least 10s");
    }
    if (!common::IsValidLabelName(c.mesh.group_label)) {
      return absl::InvalidArgumentError(
          absl::StrCat("mesh.group_label \"", c.mesh.group_label, "\" is not a label name"));
    }
  }
  if (c.web_max_connections < 1 || c.web_max_connections > 65536) {
    return absl::InvalidArgumentError("web.max_connections must be between 1 and 65536");
  }
  if (c.web_read_timeout < absl::Milliseconds(100) || c.web_read_timeout > absl::Minutes(10)) {
    return absl::InvalidArgumentError("web.read_timeout must be between 100ms and 10m");
  }
  if (absl::Status s = log::ValidateLevel(c.log_level); !s.ok()) return s;
  return alerting::ValidateAlertingOptions(c.alerting);
}

}  // namespace hostmon::collector
