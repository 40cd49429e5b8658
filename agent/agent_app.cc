// SPDX-License-Identifier: Apache-2.0
#include "agent/agent_app.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <iostream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "agent/collection.h"
#include "agent/slow_tier.h"
#include "agent/source_registry.h"
#include "agent/spool/spool.h"
#include "agent/transport/batch_queue.h"
#include "agent/transport/ingest_client.h"
#include "common/exposition.h"
#include "common/flags.h"
#include "common/log.h"
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

absl::Status LoadImpl(const common::YamlConfig& y, AgentConfig* c) {
  const YAML::Node& root = y.root();
  absl::Status s = y.CheckKeys(root, "",
                               {"collector", "hostname", "labels", "collection", "paths", "sources",
                                "sources_options", "log", "spool"});
  if (!s.ok()) return s;
  YAML::Node collector, tls, collection, paths, sources, logn;
  if (s = y.GetMap(root, "collector", "", &collector); !s.ok()) return s;
  if (s = y.CheckKeys(collector, "collector", {"address", "addresses", "tls"}); !s.ok()) return s;
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
      bool known = false;
      for (const SourceOption& so : EffectiveOptions(*info)) known = known || so.name == name;
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat(y.Where(o.first), ": field \"", path, ".",
                                                       name, "\": unknown option of source ",
                                                       source));
      }
      std::string value;
      if (s = y.GetString(opts, name, path, &value); !s.ok()) return s;
      c->source_options[source][name] = value;
    }
  }
  if (s = y.GetMap(root, "log", "", &logn); !s.ok()) return s;
  if (s = y.CheckKeys(logn, "log", {"level"}); !s.ok()) return s;
  return y.GetString(logn, "level", "log", &c->log_level);
}

std::string DefaultHostname() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

uint64_t RandomEpoch() {
  std::random_device rd;
  uint64_t e = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return e == 0 ? 1 : e;
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

std::vector<std::string> CollectorTargets(const AgentConfig& c) {
  if (!c.collector_addresses.empty()) return c.collector_addresses;
  return {c.collector_address};
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
  if (c.queue_max_batches < 1) {
    return absl::InvalidArgumentError("collection.queue_max_batches must be at least 1");
  }
  for (const auto& [k, v] : c.labels) {
    if (!common::IsValidLabelName(k)) {
      return absl::InvalidArgumentError(absl::StrCat("label name \"", k, "\" is not valid"));
    }
    if (k == "instance") {
      return absl::InvalidArgumentError(
          "label \"instance\" cannot be set as a static label; use --hostname");
    }
    if (!common::IsValidUtf8(v)) {
      return absl::InvalidArgumentError(absl::StrCat("label \"", k, "\": value is not UTF-8"));
    }
  }
  return log::ValidateLevel(c.log_level);
}

int AgentMain(int argc, const char* const* argv) {
  AgentConfig config;
  std::string config_file = common::FindFlagValue(argc, argv, "config.file");
  if (!config_file.empty()) {
    absl::Status s = LoadAgentConfigFile(config_file, &config);
    if (!s.ok()) {
      log::Error("cannot load config", log::Kv("err", s.message()));
      return 2;
    }
  }

  bool once = false;
  std::vector<std::string> label_flags;
  common::FlagSet flags("hostmon-agent");
  flags.String("config.file", &config_file, "YAML config file; flags override its values");
  flags.String("collector.address", &config.collector_address, "Collector gRPC address host:port");
  std::string addresses_flag;
  flags.String("collector.addresses", &addresses_flag,
               "Comma-separated collector addresses in order of preference (failover)");
  flags.String("spool.directory", &config.spool.directory,
               "On-disk spool directory (empty: in-memory queue only)");
  flags.String("spool.fsync", &config.spool.fsync, "Spool fsync policy: always, periodic, never");
  flags.String("hostname", &config.hostname,
               "Host name sent to the collector (its instance label); default: gethostname()");
  flags.StringList("label", &label_flags,
                   "Static label name=value added to every series, e.g. "
                   "--label=dc=fra1 (repeatable); job defaults to node");
  flags.Duration("collection.interval", &config.interval, "How often to collect");
  flags.Bool("once", &once, "Collect once, print Prometheus text exposition to stdout, exit");
  flags.String("path.procfs", &config.procfs, "procfs mount point");
  flags.String("path.sysfs", &config.sysfs, "sysfs mount point");
  flags.String("path.rootfs", &config.rootfs, "root filesystem mount point");
  flags.Bool("source.disable-defaults", &config.disable_default_sources,
             "Disable all sources that are on by default (enable some with --source.<name>)");
  std::deque<bool> switch_values;
  for (const SourceInfo& info : BuiltinSources()) {
    auto it = config.sources.find(info.name);
    switch_values.push_back(it != config.sources.end() ? it->second : info.enabled_by_default);
    flags.Bool("source." + info.name, &switch_values.back(),
               absl::StrCat(info.help, info.enabled_by_default ? "" : " (off by default)"));
  }
  // --source.<name>.<option>: defaults first, then config values, then the flag.
  std::map<std::string, std::map<std::string, std::string>> option_values;
  for (const SourceInfo& info : BuiltinSources()) {
    for (const SourceOption& o : EffectiveOptions(info)) {
      std::string& v = option_values[info.name][o.name];
      v = o.default_value;
      if (auto it = config.source_options.find(info.name); it != config.source_options.end()) {
        if (auto jt = it->second.find(o.name); jt != it->second.end()) v = jt->second;
      }
    }
  }
  for (const SourceInfo& info : BuiltinSources()) {
    for (const SourceOption& o : EffectiveOptions(info)) {
      flags.String("source." + info.name + "." + o.name, &option_values[info.name][o.name], o.help);
    }
  }
  flags.String("tls.cert-file", &config.tls.cert_file, "Client certificate (PEM) for mTLS");
  flags.String("tls.key-file", &config.tls.key_file, "Client private key (PEM)");
  flags.String("tls.ca-file", &config.tls.ca_file, "CA bundle (PEM) that verifies the collector");
  flags.String("tls.server-name", &config.tls.server_name,
               "Name expected in the collector's certificate, if not the address");
  flags.String("log.level", &config.log_level, "debug, info, warn or error");
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) {
    log::Error("invalid command line", log::Kv("err", s.message()));
    return 2;
  }
  if (flags.help_requested()) {
    std::cout << flags.Usage();
    return 0;
  }
  size_t i = 0;
  for (const SourceInfo& info : BuiltinSources()) {
    if (flags.IsSet("source." + info.name)) config.sources[info.name] = switch_values[i];
    ++i;
  }
  for (const std::string& kv : label_flags) {
    std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    if (p.first.empty() || kv.find('=') == std::string::npos) {
      log::Error("invalid command line", log::Kv("err", "--label expects name=value, got " + kv));
      return 2;
    }
    config.labels[p.first] = p.second;
  }
  if (flags.IsSet("collector.addresses")) {
    config.collector_addresses = absl::StrSplit(addresses_flag, ',', absl::SkipWhitespace());
  } else if (flags.IsSet("collector.address")) {
    config.collector_addresses.clear();
  }
  if (absl::Status s = ValidateAgentConfig(config); !s.ok()) {
    log::Error("invalid configuration", log::Kv("err", s.message()));
    return 2;
  }
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config.log_level, &level);
  log::SetLevel(level);
  if (config.hostname.empty()) config.hostname = DefaultHostname();

  auto selected = SelectSources(BuiltinSources(), config.disable_default_sources, config.sources);
  if (!selected.ok()) {
    log::Error("invalid configuration", log::Kv("err", selected.status().message()));
    return 2;
  }
  common::FsRoot fs(config.procfs, config.sysfs, config.rootfs);
  std::vector<Collection::NamedSource> sources;
  std::vector<SlowSourceSpec> slow_sources;
  for (const SourceInfo* info : *selected) {
    SourceContext ctx{&fs, &option_values[info->name], info->name};
    if (info->slow) {
      auto deadline = SlowSourceTimeout(info->name, option_values[info->name]);
      if (!deadline.ok()) {
        log::Error("invalid configuration", log::Kv("err", deadline.status().message()));
        return 2;
      }
      ctx.deadline = *deadline;
    }
    auto src = info->factory(ctx);
    if (!src.ok()) {
      log::Error("cannot create source",
                 log::Kv("source", info->name) + log::Kv("err", src.status().message()));
      return 1;
    }
    if (info->slow) {
      auto spec = MakeSlowSourceSpec(info->name, std::move(*src), option_values[info->name]);
      if (!spec.ok()) {
        log::Error("invalid configuration", log::Kv("err", spec.status().message()));
        return 2;
      }
      slow_sources.push_back(std::move(*spec));
    } else {
      sources.push_back({info->name, std::move(*src)});
    }
  }
  SeriesTable table;
  Collection collection(&table, std::move(sources), &common::RealClock::Get());
  SlowTier slow_tier(std::move(slow_sources));
  collection.SetSlowTier(&slow_tier);

  if (once) {
    // Slow sources run once, in parallel, each bounded by its timeout.
    slow_tier.RunOnce();
    CollectedBatch batch;
    collection.CollectOnce(&batch);
    std::string text = FormatExposition(table, batch);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    slow_tier.Stop(absl::ZeroDuration());  // a stuck source was already reported; do not wait
    return 0;
  }

  // Block the stop signals before gRPC starts its threads, so only sigtimedwait below sees them;
  // the collection loop sleeps in sigtimedwait, which doubles as the shutdown wait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<Spool> spool;
  if (!config.spool.directory.empty()) {
    SpoolOptions so;
    so.directory = config.spool.directory;
    so.max_bytes = static_cast<uint64_t>(config.spool.max_bytes);
    so.max_age = config.spool.max_age;
    so.segment_bytes = static_cast<uint64_t>(config.spool.segment_bytes);
    so.fsync = *ParseSpoolFsync(config.spool.fsync);
    so.fsync_interval = config.spool.fsync_interval;
    auto opened = Spool::Open(so);
    if (!opened.ok()) {
      log::Error("cannot open spool", log::Kv("err", opened.status().message()));
      return 1;
    }
    spool = std::move(*opened);
  }
  BatchQueue queue(static_cast<size_t>(config.queue_max_batches));
  IngestClientOptions opts;
  opts.target = config.collector_address;
  opts.targets = CollectorTargets(config);
  opts.spool = spool.get();
  opts.replay_rate = config.spool.replay_rate;
  opts.tls = config.tls;
  opts.host_name = config.hostname;
  opts.static_labels = config.labels;
  opts.collection_interval = config.interval;
  // With a spool, the epoch and sequence space continue across restarts, so spooled batches of
  // the previous run never collide with new numbers (the collector de-duplicates per epoch).
  opts.epoch = spool != nullptr ? spool->epoch() : RandomEpoch();
  IngestClient client(opts, &table, &queue);
  if (absl::Status s = client.Start(); !s.ok()) {
    log::Error("cannot start", log::Kv("err", s.message()));
    return 2;
  }
  static constexpr MetricDesc kQueued{"hostmon_agent_queue_batches", kGauge,
                                      "Batches waiting for the collector's acknowledgement."};
  static constexpr MetricDesc kDroppedBatches{
      "hostmon_agent_dropped_batches_total", kCounter,
      "Batches dropped because the send queue was full (oldest first)."};
  static constexpr MetricDesc kDroppedSamples{"hostmon_agent_dropped_samples_total", kCounter,
                                              "Samples in batches dropped from the send queue."};
  static constexpr MetricDesc kConnected{"hostmon_agent_collector_connected", kGauge,
                                         "1 while a stream to the collector is established."};
  static constexpr MetricDesc kDuplicates{
      "hostmon_agent_duplicate_samples_total", kCounter,
      "Samples dropped because another source already wrote the same series (e.g. a textfile "
      "repeating a built-in metric)."};
  static constexpr MetricDesc kFailures{"hostmon_agent_stream_failures_total", kCounter,
                                        "Collector streams that failed or ended unexpectedly."};
  static constexpr MetricDesc kSpoolBytes{"hostmon_agent_spool_bytes", kGauge,
                                          "Bytes of the on-disk spool's segment files."};
  static constexpr MetricDesc kSpoolSegments{"hostmon_agent_spool_segments", kGauge,
                                             "Segment files in the spool."};
  static constexpr MetricDesc kSpoolPending{
      "hostmon_agent_spool_pending_batches", kGauge,
      "Spooled batches not yet acknowledged by a collector (live in flight and backlog)."};
  static constexpr MetricDesc kSpoolPendingSamples{"hostmon_agent_spool_pending_samples", kGauge,
                                                   "Samples in spooled, unacknowledged batches."};
  static constexpr MetricDesc kSpoolOldest{
      "hostmon_agent_spool_oldest_pending_timestamp_seconds", kGauge,
      "Collection time of the oldest unacknowledged spooled batch (0 when none)."};
  static constexpr MetricDesc kSpoolDroppedBatches{
      "hostmon_agent_spool_dropped_batches_total", kCounter,
      "Unacknowledged batches dropped from the spool by its size or age cap (oldest first)."};
  static constexpr MetricDesc kSpoolDroppedSamples{
      "hostmon_agent_spool_dropped_samples_total", kCounter,
      "Samples in batches dropped from the spool by its size or age cap."};
  static constexpr MetricDesc kSpoolCorrupt{
      "hostmon_agent_spool_corrupt_records_total", kCounter,
      "Damaged spool records (torn tail, flipped bytes) skipped; a damaged region counts once."};
  static constexpr MetricDesc kSpoolWriteErrors{
      "hostmon_agent_spool_write_errors_total", kCounter,
      "Batches that could not be spooled (e.g. disk full); they were sent from memory only."};
  static constexpr MetricDesc kSpoolWriteSeconds{
      "hostmon_agent_spool_write_seconds_total", kCounter,
      "Time spent writing spool records, including fsync."};
  static constexpr MetricDesc kSpoolFsyncSeconds{"hostmon_agent_spool_fsync_seconds_total",
                                                 kCounter, "Time spent in fdatasync of the spool."};
  static constexpr MetricDesc kSpoolFsyncs{"hostmon_agent_spool_fsyncs_total", kCounter,
                                           "fdatasync calls on spool segments."};
  static constexpr MetricDesc kSpoolReplayed{
      "hostmon_agent_spool_replayed_batches_total", kCounter,
      "Backlog batches re-sent from the spool (replayed=true) after a reconnect or restart."};
  static constexpr MetricDesc kSpoolReplayedSamples{
      "hostmon_agent_spool_replayed_samples_total", kCounter,
      "Samples in backlog batches re-sent from the spool."};
  static constexpr MetricDesc kFailovers{
      "hostmon_agent_collector_failovers_total", kCounter,
      "Switches to the next collector address after a failed stream."};
  collection.SetExtraWriter([&](SampleWriter& w) {
    if (spool != nullptr) {
      Spool::Stats sp = spool->stats();
      IngestClient::Stats c = client.stats();
      w.Add(kSpoolBytes, {}, static_cast<double>(sp.bytes));
      w.Add(kSpoolSegments, {}, static_cast<double>(sp.segments));
      w.Add(kSpoolPending, {}, static_cast<double>(sp.pending_batches));
      w.Add(kSpoolPendingSamples, {}, static_cast<double>(sp.pending_samples));
      w.Add(kSpoolOldest, {}, static_cast<double>(sp.oldest_pending_timestamp_ms) / 1000.0);
      w.Add(kSpoolDroppedBatches, {}, static_cast<double>(sp.dropped_batches));
      w.Add(kSpoolDroppedSamples, {}, static_cast<double>(sp.dropped_samples));
      w.Add(kSpoolCorrupt, {}, static_cast<double>(sp.corrupt_records));
      w.Add(kSpoolWriteErrors, {}, static_cast<double>(sp.write_errors));
      w.Add(kSpoolWriteSeconds, {}, sp.write_seconds);
      w.Add(kSpoolFsyncSeconds, {}, sp.fsync_seconds);
      w.Add(kSpoolFsyncs, {}, static_cast<double>(sp.fsyncs));
      w.Add(kSpoolReplayed, {}, static_cast<double>(c.replayed_batches));
      w.Add(kSpoolReplayedSamples, {}, static_cast<double>(c.replayed_samples));
    }
    if (opts.targets.size() > 1) {
      w.Add(kFailovers, {}, static_cast<double>(client.stats().failovers));
    }
    BatchQueue::Stats q = queue.stats();
    IngestClient::Stats c = client.stats();
    w.Add(kQueued, {}, static_cast<double>(q.queued_batches));
    w.Add(kDroppedBatches, {}, static_cast<double>(q.dropped_batches));
    w.Add(kDroppedSamples, {}, static_cast<double>(q.dropped_samples));
    w.Add(kConnected, {}, c.connected ? 1 : 0);
    w.Add(kFailures, {}, static_cast<double>(c.stream_failures));
    w.Add(kDuplicates, {}, static_cast<double>(collection.duplicate_samples()));
  });

  log::Info("agent started",
            log::Kv("version", HOSTMON_VERSION) + log::Kv("hostname", config.hostname) +
                log::Kv("collector", absl::StrJoin(opts.targets, ",")) +
                log::Kv("spool", config.spool.directory.empty() ? "off" : config.spool.directory) +
                log::Kv("interval", absl::FormatDuration(config.interval)) +
                log::Kv("sources", static_cast<int64_t>(collection.sources().size())));
  slow_tier.Start();
  uint64_t sequence = spool != nullptr ? spool->last_sequence() : 0;
  SelfContainedEncoder encoder(&table);
  std::string spool_payload;
  absl::Time next = absl::Now();
  int stop_signal = 0;
  while (stop_signal == 0) {
    auto batch = std::make_shared<CollectedBatch>();
    batch->sequence = ++sequence;
    collection.CollectOnce(batch.get());
    bool spooled = false;
    if (spool != nullptr) {
      encoder.Encode(*batch, &spool_payload);
      // Appended before it is sent: once write(2) returned, a crash of the agent cannot lose it.
      absl::Status s = spool->Append(batch->sequence, batch->timestamp_ms,
                                     static_cast<uint32_t>(batch->values.size()), spool_payload);
      spooled = s.ok();
      if (!s.ok()) {
        log::Warn("cannot spool batch; sending it from memory only",
                  log::Kv("sequence", static_cast<int64_t>(batch->sequence)) +
                      log::Kv("err", s.message()));
      }
    }
    queue.Push(std::move(batch), spooled);
    client.Notify();
    // Ticks stay on the interval grid; a collection that overran skips the missed ticks.
    absl::Time now = absl::Now();
    next += config.interval;
    if (next < now) next = now + config.interval - ((now - next) % config.interval);
    while (true) {
      absl::Duration wait = next - absl::Now();
      if (wait <= absl::ZeroDuration()) break;
      timespec ts = absl::ToTimespec(wait);
      int sig = sigtimedwait(&stop_signals, nullptr, &ts);
      if (sig > 0) {
        stop_signal = sig;
        break;
      }
    }
  }
  log::Info("stopping", log::Kv("signal", strsignal(stop_signal)));
  slow_tier.Stop(absl::Seconds(2));
  client.Stop(absl::Seconds(3));
  BatchQueue::Stats q = queue.stats();
  if (spool != nullptr) {
    spool->Flush();
    log::Info("unacknowledged batches stay in the spool",
              log::Kv("batches", static_cast<int64_t>(spool->stats().pending_batches)));
  } else if (q.queued_batches > 0) {
    log::Warn("unacknowledged batches lost at shutdown (no spool yet)",
              log::Kv("batches", static_cast<int64_t>(q.queued_batches)));
  }
  log::Info("stopped");
  return 0;
}

}  // namespace hostmon::agent
