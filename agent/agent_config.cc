// SPDX-License-Identifier: Apache-2.0
#include "agent/agent_config.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "agent/mesh/mesh_agent.h"
#include "agent/slow_tier.h"
#include "agent/source_registry.h"
#include "agent/spool/spool.h"
#include "common/exposition.h"
#include "common/flags.h"
#include "common/host_identity.h"
#include "common/log.h"
#include "common/net/tcp_connect.h"
#include "common/yaml_config.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;

absl::Status LoadSpool(const common::YamlConfig& y, const YAML::Node& root, SpoolConfig* c) {
  YAML::Node sp;
  absl::Status s = y.GetMap(root, "spool", "", &sp);
  if (!s.ok() || !sp) return s;
  if (s = y.CheckKeys(sp, "spool",
                      {"directory", "max_bytes", "max_age", "segment_bytes", "fsync",
                       "fsync_interval", "replay_rate"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(sp, "directory", "spool", &c->directory); !s.ok()) return s;
  if (s = y.GetInt(sp, "max_bytes", "spool", &c->max_bytes); !s.ok()) return s;
  if (sp["max_bytes"] && c->max_bytes < (64 << 10)) {
    return absl::InvalidArgumentError(absl::StrCat(
        y.Where(sp["max_bytes"]), ": field \"spool.max_bytes\": must be at least 65536"));
  }
  if (s = y.GetInt(sp, "segment_bytes", "spool", &c->segment_bytes); !s.ok()) return s;
  if (sp["segment_bytes"] && (c->segment_bytes < 4096 || c->segment_bytes > (64ll << 20))) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(sp["segment_bytes"]),
                     ": field \"spool.segment_bytes\": must be between 4096 and 67108864"));
  }
  if (s = y.GetDuration(sp, "max_age", "spool", &c->max_age); !s.ok()) return s;
  if (s = y.GetDuration(sp, "fsync_interval", "spool", &c->fsync_interval); !s.ok()) return s;
  if (s = y.GetString(sp, "fsync", "spool", &c->fsync); !s.ok()) return s;
  if (auto f = ParseSpoolFsync(c->fsync); !f.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(sp["fsync"]), ": field \"spool.fsync\": ", f.status().message()));
  }
  std::string rate;
  if (s = y.GetString(sp, "replay_rate", "spool", &rate); !s.ok()) return s;
  if (!rate.empty() && (!absl::SimpleAtod(rate, &c->replay_rate) || !(c->replay_rate > 0))) {
    return absl::InvalidArgumentError(absl::StrCat(
        y.Where(sp["replay_rate"]),
        ": field \"spool.replay_rate\": expected batches per second > 0, got \"", rate, "\""));
  }
  return absl::OkStatus();
}

absl::Status LoadMesh(const common::YamlConfig& y, const YAML::Node& root, MeshConfig* c) {
  YAML::Node m;
  absl::Status s = y.GetMap(root, "mesh", "", &m);
  if (!s.ok() || !m) return s;
  if (s = y.CheckKeys(m, "mesh", {"listen_address", "announce_address", "interval", "timeout"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(m, "listen_address", "mesh", &c->listen_address); !s.ok()) return s;
  if (s = y.GetString(m, "announce_address", "mesh", &c->announce_address); !s.ok()) return s;
  if (s = y.GetDuration(m, "interval", "mesh", &c->interval); !s.ok()) return s;
  return y.GetDuration(m, "timeout", "mesh", &c->timeout);
}

absl::Status LoadImpl(const common::YamlConfig& y, AgentConfig* c) {
  const YAML::Node& root = y.root();
  absl::Status s = y.CheckKeys(root, "",
                               {"collector", "hostname", "labels", "collection", "paths", "sources",
                                "sources_options", "log", "spool", "mesh"});
  if (!s.ok()) return s;
  YAML::Node collector, tls, collection, paths, sources, logn;
  if (s = y.GetMap(root, "collector", "", &collector); !s.ok()) return s;
  if (s = y.CheckKeys(collector, "collector", {"address", "addresses", "order", "tls"}); !s.ok()) {
    return s;
  }
  if (s = y.GetString(collector, "order", "collector", &c->collector_order); !s.ok()) return s;
  if (s = y.GetString(collector, "address", "collector", &c->collector_address); !s.ok()) return s;
  if (s = y.GetStringList(collector, "addresses", "collector", &c->collector_addresses); !s.ok()) {
    return s;
  }
  for (const std::string& a : c->collector_addresses) {
    if (a.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          y.Where(collector["addresses"]), ": field \"collector.addresses\": empty address"));
    }
  }
  if (s = LoadSpool(y, root, &c->spool); !s.ok()) return s;
  if (s = LoadMesh(y, root, &c->mesh); !s.ok()) return s;
  if (s = y.GetMap(collector, "tls", "collector", &tls); !s.ok()) return s;
  if (s = y.CheckKeys(tls, "collector.tls", {"cert_file", "key_file", "ca_file", "server_name"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(tls, "cert_file", "collector.tls", &c->tls.cert_file); !s.ok()) return s;
  if (s = y.GetString(tls, "key_file", "collector.tls", &c->tls.key_file); !s.ok()) return s;
  if (s = y.GetString(tls, "ca_file", "collector.tls", &c->tls.ca_file); !s.ok()) return s;
  if (s = y.GetString(tls, "server_name", "collector.tls", &c->tls.server_name); !s.ok()) return s;
  if (s = y.GetString(root, "hostname", "", &c->hostname); !s.ok()) return s;
  if (s = y.GetStringMap(root, "labels", "", &c->labels); !s.ok()) return s;
  if (s = y.GetMap(root, "collection", "", &collection); !s.ok()) return s;
  if (s = y.CheckKeys(collection, "collection", {"interval", "queue_max_batches"}); !s.ok()) {
    return s;
  }
  if (s = y.GetDuration(collection, "interval", "collection", &c->interval); !s.ok()) return s;
  if (s = y.GetInt(collection, "queue_max_batches", "collection", &c->queue_max_batches); !s.ok()) {
    return s;
  }
  if (s = y.GetMap(root, "paths", "", &paths); !s.ok()) return s;
  if (s = y.CheckKeys(paths, "paths", {"procfs", "sysfs", "rootfs"}); !s.ok()) return s;
  if (s = y.GetString(paths, "procfs", "paths", &c->procfs); !s.ok()) return s;
  if (s = y.GetString(paths, "sysfs", "paths", &c->sysfs); !s.ok()) return s;
  if (s = y.GetString(paths, "rootfs", "paths", &c->rootfs); !s.ok()) return s;
  if (s = y.GetMap(root, "sources", "", &sources); !s.ok()) return s;
  for (const auto& kv : sources) {
    std::string name = kv.first.Scalar();
    if (name == "disable_defaults") {
      if (s = y.GetBool(sources, name, "sources", &c->disable_default_sources); !s.ok()) return s;
      continue;
    }
    if (!kv.second || kv.second.IsNull()) {
      return absl::InvalidArgumentError(absl::StrCat(y.Where(kv.first), ": field \"sources.", name,
                                                     "\": expected true or false"));
    }
    bool on = false;
    if (s = y.GetBool(sources, name, "sources", &on); !s.ok()) return s;
    bool known = false;
    for (const SourceInfo& info : BuiltinSources()) known = known || info.name == name;
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(kv.first), ": field \"sources.", name, "\": unknown source"));
    }
    c->sources[name] = on;
  }
  YAML::Node options;
  if (s = y.GetMap(root, "sources_options", "", &options); !s.ok()) return s;
  for (const auto& kv : options) {
    std::string source = kv.first.Scalar();
    const SourceInfo* info = nullptr;
    for (const SourceInfo& i : BuiltinSources()) {
      if (i.name == source) info = &i;
    }
    if (info == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          y.Where(kv.first), ": field \"sources_options.", source, "\": unknown source"));
    }
    YAML::Node opts;
    std::string path = absl::StrCat("sources_options.", source);
    if (s = y.GetMap(options, source, "sources_options", &opts); !s.ok()) return s;
    for (const auto& o : opts) {
      std::string name = o.first.Scalar();
      const SourceOption* option = nullptr;
      for (const SourceOption& so : info->options) {
        if (so.name == name) option = &so;
      }
      bool known = option != nullptr;
      for (const SourceOption& so : EffectiveOptions(*info)) known = known || so.name == name;
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat(y.Where(o.first), ": field \"", path, ".",
                                                       name, "\": unknown option of source ",
                                                       source));
      }
      std::string value;
      if (option != nullptr && option->repeatable && o.second.IsSequence()) {
        // A repeatable option's entries: a list in the file, as the flag given several times.
        std::vector<std::string> entries;
        if (s = y.GetStringList(opts, name, path, &entries); !s.ok()) return s;
        value = absl::StrJoin(entries, std::string(1, kOptionEntrySeparator));
      } else if (s = y.GetString(opts, name, path, &value); !s.ok()) {
        return s;
      }
      c->source_options[source][name] = value;
    }
  }
  if (s = y.GetMap(root, "log", "", &logn); !s.ok()) return s;
  if (s = y.CheckKeys(logn, "log", {"level"}); !s.ok()) return s;
  return y.GetString(logn, "level", "log", &c->log_level);
}

}  // namespace

absl::Status LoadAgentConfigFile(const std::string& path, AgentConfig* config) {
  auto y = common::YamlConfig::Load(path);
  if (!y.ok()) return y.status();
  try {
    return LoadImpl(*y, config);
  } catch (const std::exception& e) {  // yaml-cpp throws on shapes we did not anticipate
    return absl::InvalidArgumentError(absl::StrCat(path, ": invalid config: ", e.what()));
  }
}

namespace {

uint64_t RendezvousScore(absl::string_view host, absl::string_view address) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  auto feed = [&h](absl::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  feed(host);
  feed(absl::string_view("\0", 1));
  feed(address);
  // splitmix64's finaliser: FNV's low-order bias would otherwise favour some addresses.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

}  // namespace

std::vector<std::string> RendezvousOrder(const std::vector<std::string>& addresses,
                                         absl::string_view host) {
  std::vector<std::pair<uint64_t, size_t>> scored;
  scored.reserve(addresses.size());
  for (size_t i = 0; i < addresses.size(); ++i) {
    scored.emplace_back(RendezvousScore(host, addresses[i]), i);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  out.reserve(addresses.size());
  for (const auto& [score, i] : scored) out.push_back(addresses[i]);
  return out;
}

std::vector<std::string> CollectorTargets(const AgentConfig& c) {
  if (c.collector_addresses.empty()) return {c.collector_address};
  if (c.collector_order == "hash") return RendezvousOrder(c.collector_addresses, c.hostname);
  return c.collector_addresses;
}

absl::Status ApplyAgentFlags(int argc, const char* const* argv, AgentConfig* config,
                             AgentCommandLine* cmd) {
  std::vector<std::string> label_flags;
  common::FlagSet flags("hostmon-agent");
  flags.String("config.file", &cmd->config_file, "YAML config file; flags override its values");
  flags.String("collector.address", &config->collector_address, "Collector gRPC address host:port");
  std::string addresses_flag;
  flags.String("collector.addresses", &addresses_flag,
               "Comma-separated collector addresses in order of preference (failover)");
  flags.String("collector.order", &config->collector_order,
               "Order of the collector addresses: listed (as given) or hash (per host, by "
               "rendezvous hashing of the host name: spreads a fleet over the collectors)");
  flags.String("spool.directory", &config->spool.directory,
               "On-disk spool directory (empty: in-memory queue only)");
  flags.String("spool.fsync", &config->spool.fsync, "Spool fsync policy: always, periodic, never");
  flags.String("hostname", &config->hostname,
               "Host name sent to the collector (its instance label); default: gethostname()");
  flags.StringList("label", &label_flags,
                   "Static label name=value added to every series, e.g. "
                   "--label=dc=fra1 (repeatable); job defaults to node");
  flags.Duration("collection.interval", &config->interval, "How often to collect");
  flags.Bool("once", &cmd->once, "Collect once, print Prometheus text exposition to stdout, exit");
  flags.Bool("debug.cost", &cmd->debug_cost,
             "Collect like --once, then --debug.cost-collections more times, print each "
             "source's mean wall, user and system time, samples and files opened, and exit");
  std::string cost_collections = absl::StrCat(cmd->debug_cost_collections);
  flags.String("debug.cost-collections", &cost_collections,
               "Collections accounted by --debug.cost (1 to 10000)");
  flags.Bool("check-config", &cmd->check_config,
             "Validate the configuration as a start would, without connecting, and exit (0: "
             "valid, 2: not)");
  flags.Bool("version", &cmd->version, "Print the version and build information and exit");
  flags.String("path.procfs", &config->procfs, "procfs mount point");
  flags.String("path.sysfs", &config->sysfs, "sysfs mount point");
  flags.String("path.rootfs", &config->rootfs, "root filesystem mount point");
  flags.Bool("source.disable-defaults", &config->disable_default_sources,
             "Disable all sources that are on by default (enable some with --source.<name>)");
  std::deque<bool> switch_values;
  for (const SourceInfo& info : BuiltinSources()) {
    auto it = config->sources.find(info.name);
    switch_values.push_back(it != config->sources.end() ? it->second : info.enabled_by_default);
    flags.Bool("source." + info.name, &switch_values.back(),
               absl::StrCat(info.help, info.enabled_by_default ? "" : " (off by default)"));
  }
  // --source.<name>.<option>: defaults first, then config values, then the flag.
  std::map<std::string, std::map<std::string, std::string>> option_values;
  for (const SourceInfo& info : BuiltinSources()) {
    for (const SourceOption& o : EffectiveOptions(info)) {
      std::string& v = option_values[info.name][o.name];
      v = o.default_value;
      if (auto it = config->source_options.find(info.name); it != config->source_options.end()) {
        if (auto jt = it->second.find(o.name); jt != it->second.end()) v = jt->second;
      }
    }
  }
  // A repeatable option's occurrences, joined into its value after parsing.
  std::map<std::string, std::vector<std::string>> repeated;
  for (const SourceInfo& info : BuiltinSources()) {
    for (const SourceOption& o : EffectiveOptions(info)) {
      const std::string flag = "source." + info.name + "." + o.name;
      if (o.repeatable) {
        flags.StringList(flag, &repeated[flag], o.help + " (repeatable)");
      } else {
        flags.String(flag, &option_values[info.name][o.name], o.help);
      }
    }
  }
  flags.String("tls.cert-file", &config->tls.cert_file, "Client certificate (PEM) for mTLS");
  flags.String("tls.key-file", &config->tls.key_file, "Client private key (PEM)");
  flags.String("tls.ca-file", &config->tls.ca_file, "CA bundle (PEM) that verifies the collector");
  flags.String("tls.server-name", &config->tls.server_name,
               "Name expected in the collector's certificate, if not the address");
  flags.String("log.level", &config->log_level, "debug, info, warn or error");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return s;
  if (flags.help_requested()) {
    cmd->help = true;
    cmd->usage = flags.Usage();
    return absl::OkStatus();
  }
  if (!absl::SimpleAtoi(cost_collections, &cmd->debug_cost_collections) ||
      cmd->debug_cost_collections < 1 || cmd->debug_cost_collections > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--debug.cost-collections expects a number from 1 to 10000, got \"",
                     cost_collections, "\""));
  }
  size_t i = 0;
  for (const SourceInfo& info : BuiltinSources()) {
    if (flags.IsSet("source." + info.name)) config->sources[info.name] = switch_values[i];
    ++i;
  }
  for (const SourceInfo& info : BuiltinSources()) {
    for (const SourceOption& o : EffectiveOptions(info)) {
      const std::string flag = "source." + info.name + "." + o.name;
      if (o.repeatable && flags.IsSet(flag)) {
        option_values[info.name][o.name] =
            absl::StrJoin(repeated[flag], std::string(1, kOptionEntrySeparator));
      }
    }
  }
  config->source_options = std::move(option_values);
  for (const std::string& kv : label_flags) {
    std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    if (p.first.empty() || kv.find('=') == std::string::npos) {
      return absl::InvalidArgumentError("--label expects name=value, got " + kv);
    }
    config->labels[p.first] = p.second;
  }
  if (flags.IsSet("collector.addresses")) {
    config->collector_addresses = absl::StrSplit(addresses_flag, ',', absl::SkipWhitespace());
  } else if (flags.IsSet("collector.address")) {
    config->collector_addresses.clear();
  }
  return absl::OkStatus();
}

absl::Status ValidateAgentConfig(const AgentConfig& c) {
  if (c.interval < absl::Milliseconds(100) || c.interval > absl::Hours(1)) {
    return absl::InvalidArgumentError("collection interval must be between 100ms and 1h");
  }
  for (const std::string& a : CollectorTargets(c)) {
    if (a.empty()) return absl::InvalidArgumentError("collector address must not be empty");
  }
  if (!ParseSpoolFsync(c.spool.fsync).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("spool.fsync: unknown policy \"", c.spool.fsync, "\""));
  }
  if (!(c.spool.replay_rate > 0)) {
    return absl::InvalidArgumentError("spool.replay_rate must be greater than 0");
  }
  if (!c.mesh.listen_address.empty()) {
    if (c.mesh.interval < absl::Seconds(1) || c.mesh.interval > absl::Hours(1)) {
      return absl::InvalidArgumentError("mesh.interval must be between 1s and 1h");
    }
    if (c.mesh.timeout < absl::Milliseconds(10) || c.mesh.timeout > c.mesh.interval) {
      return absl::InvalidArgumentError("mesh.timeout must be between 10ms and mesh.interval");
    }
    std::string host, port;
    if (absl::Status s = SplitMeshListenAddress(c.mesh.listen_address, &host, &port); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("mesh.listen_address: ", s.message()));
    }
    if (c.mesh.announce_address.empty() && (host == "0.0.0.0" || host == "::")) {
      // Peers cannot dial a wildcard address: the collector would hand out a useless one.
      return absl::InvalidArgumentError(absl::StrCat(
          "mesh.listen_address \"", c.mesh.listen_address,
          "\" is a wildcard address; set mesh.announce_address to the address peers dial"));
    }
    if (!c.mesh.announce_address.empty()) {
      if (absl::Status s = net::SplitHostPort(c.mesh.announce_address, &host, &port); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("mesh.announce_address: ", s.message()));
      }
    }
  } else if (!c.mesh.announce_address.empty()) {
    return absl::InvalidArgumentError(
        "mesh.announce_address is set but mesh.listen_address is not (the mesh is off)");
  }
  if (c.collector_order != "listed" && c.collector_order != "hash") {
    return absl::InvalidArgumentError(
        absl::StrCat("collector.order: expected listed or hash, got \"",
                     absl::CHexEscape(c.collector_order), "\""));
  }
  if (c.queue_max_batches < 1) {
    return absl::InvalidArgumentError("collection.queue_max_batches must be at least 1");
  }
  // An empty host name means gethostname(); CheckAgentStart fills it in before validating.
  if (!c.hostname.empty()) {
    if (absl::Status s = common::ValidateHostName(c.hostname); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("hostname \"", absl::CHexEscape(c.hostname), "\": ", s.message()));
    }
  }
  for (const auto& [k, v] : c.labels) {
    if (absl::Status s = common::ValidateStaticLabel(k, v); !s.ok()) return s;
  }
  return log::ValidateLevel(c.log_level);
}

}  // namespace hostmon::agent
