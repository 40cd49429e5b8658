// SPDX-License-Identifier: Apache-2.0
#include "agent/agent.h"

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/build_info.h"
#include "common/code_pages.h"
#include "common/log.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;

// The options of a source that declares none.
const std::map<std::string, std::string>& NoOptions() {
  static const auto* none = new std::map<std::string, std::string>();
  return *none;
}

// The source's merged options (ApplyAgentFlags stores every declared one).
const std::map<std::string, std::string>& OptionsOf(const AgentConfig& config,
                                                    const std::string& source) {
  auto it = config.source_options.find(source);
  return it != config.source_options.end() ? it->second : NoOptions();
}

// hostmon_agent_build_info: in every batch, so each host's agent build reaches the collector.
class BuildInfoMetric : public Contributor {
 public:
  void WriteTo(SampleWriter& out) override {
    static constexpr MetricDesc kBuildInfo{
        "hostmon_agent_build_info", kGauge,
        "Build information of the agent (labels version, revision, branch, compiler); value 1."};
    const common::BuildInfo& b = common::GetBuildInfo();
    const LabelRef labels[] = {{"branch", b.branch},
                               {"compiler", b.compiler},
                               {"revision", b.revision},
                               {"version", b.version}};
    out.Add(kBuildInfo, labels, 1);
  }
};

// Stateless, shared by every collection of the process.
Contributor* BuildInfoContributor() {
  static auto* contributor = new BuildInfoMetric();
  return contributor;
}

uint64_t RandomEpoch() {
  std::random_device rd;
  uint64_t e = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return e == 0 ? 1 : e;
}

}  // namespace

absl::StatusOr<SourcePtr> CreateSource(const SourceInfo& info, const AgentConfig& config,
                                       const common::FsRoot* fs, absl::Duration deadline,
                                       CycleFiles* cycle_files) {
  SourceContext ctx{fs, &OptionsOf(config, info.name), info.name};
  ctx.deadline = deadline;
  ctx.cycle_files = cycle_files;
  return info.factory(ctx);
}

std::optional<common::StartError> BuildSources(const AgentConfig& config, const common::FsRoot* fs,
                                               AgentSources* out) {
  auto selected = SelectSources(BuiltinSources(), config.disable_default_sources, config.sources);
  if (!selected.ok()) {
    return common::StartError{"invalid configuration", log::Kv("err", selected.status().message()),
                              2};
  }
  if (out->cycle_files == nullptr) out->cycle_files = std::make_shared<CycleFiles>();
  for (const SourceInfo* info : *selected) {
    // A slow source's collection deadline is its tier's `timeout`; the fast cycle has none.
    absl::Duration deadline = absl::InfiniteDuration();
    if (info->slow) {
      auto timeout = SlowSourceTimeout(info->name, OptionsOf(config, info->name));
      if (!timeout.ok()) {
        return common::StartError{"invalid configuration",
                                  log::Kv("err", timeout.status().message()), 2};
      }
      deadline = *timeout;
    }
    // Only the fast sources share files: they run one after another on the collection's thread,
    // the slow ones on their own (agent/cycle_file.h).
    auto src =
        CreateSource(*info, config, fs, deadline, info->slow ? nullptr : out->cycle_files.get());
    if (!src.ok()) {
      return common::StartError{
          "cannot create source",
          log::Kv("source", info->name) + log::Kv("err", src.status().message()), 1};
    }
    if (info->slow) {
      auto spec = MakeSlowSourceSpec(info->name, std::move(*src), OptionsOf(config, info->name));
      if (!spec.ok()) {
        return common::StartError{"invalid configuration", log::Kv("err", spec.status().message()),
                                  2};
      }
      out->slow.push_back(std::move(*spec));
    } else {
      out->fast.push_back({info->name, std::move(*src)});
    }
  }
  return std::nullopt;
}

namespace {

// --once and --debug.cost: the slow sources run once (in parallel, each bounded by its timeout),
// then `body` runs collections of the fast ones; the slow tier's results are in every batch.
template <typename Body>
std::string RunOnceCollection(AgentSources sources, Body body) {
  SeriesTable table;
  Collection collection(&table, std::move(sources.fast), &common::RealClock::Get(),
                        std::move(sources.cycle_files));
  SlowTier slow_tier(std::move(sources.slow));
  collection.AddContributor(&slow_tier);
  collection.AddContributor(BuildInfoContributor());
  slow_tier.RunOnce();
  std::string out = body(table, collection);
  slow_tier.Stop(absl::ZeroDuration());  // a stuck source was already reported; do not wait
  return out;
}

}  // namespace

std::string CollectOnceExposition(AgentSources sources) {
  return RunOnceCollection(std::move(sources), [](SeriesTable& table, Collection& collection) {
    CollectedBatch batch;
    collection.CollectOnce(&batch);
    return FormatExposition(table, batch);
  });
}

std::string CollectCostReport(AgentSources sources, int collections) {
  return RunOnceCollection(std::move(sources), [collections](SeriesTable&, Collection& c) {
    CollectedBatch batch;
    // Not accounted: the first collection interns every series and grows the buffers, which
    // the long-running agent does once, not every cycle.
    c.CollectOnce(&batch);
    c.EnableCostAccounting();
    for (int i = 0; i < collections; ++i) c.CollectOnce(&batch);
    return FormatCostReport(c.costs(), 1);
  });
}

class Agent::DuplicateSamples : public Contributor {
 public:
  explicit DuplicateSamples(const Collection* c) : collection_(c) {}
  void WriteTo(SampleWriter& out) override { collection_->WriteMetrics(out); }

 private:
  const Collection* collection_;
};

Agent::Agent(const AgentConfig& config, const common::Clock* clock)
    : config_(config), clock_(clock) {}

Agent::~Agent() = default;

absl::StatusOr<std::unique_ptr<Agent>> Agent::Create(const AgentConfig& config,
                                                     AgentSources sources,
                                                     const common::Clock* clock) {
  std::unique_ptr<Agent> a(new Agent(config, clock));
  a->table_ = std::make_unique<SeriesTable>();
  a->collection_ = std::make_unique<Collection>(a->table_.get(), std::move(sources.fast), clock,
                                                std::move(sources.cycle_files));
  a->slow_tier_ = std::make_unique<SlowTier>(std::move(sources.slow), clock);
  if (!config.spool.directory.empty()) {
    SpoolOptions so;
    so.directory = config.spool.directory;
    so.max_bytes = static_cast<uint64_t>(config.spool.max_bytes);
    so.max_age = config.spool.max_age;
    so.segment_bytes = static_cast<uint64_t>(config.spool.segment_bytes);
    so.fsync = *ParseSpoolFsync(config.spool.fsync);
    so.fsync_interval = config.spool.fsync_interval;
    auto opened = Spool::Open(so);
    if (!opened.ok()) return opened.status();
    a->spool_ = std::move(*opened);
    a->spool_metrics_ = std::make_unique<SpoolMetrics>(a->spool_.get());
    a->encoder_ = std::make_unique<SelfContainedEncoder>(a->table_.get());
    a->sequence_ = a->spool_->last_sequence();
  }
  a->queue_ = std::make_unique<BatchQueue>(static_cast<size_t>(config.queue_max_batches));
  if (!config.mesh.listen_address.empty()) {
    MeshOptions mo;
    mo.listen_address = config.mesh.listen_address;
    mo.announce_address = config.mesh.announce_address;
    mo.interval = config.mesh.interval;
    mo.timeout = config.mesh.timeout;
    auto mesh = MeshAgent::Create(mo);
    if (!mesh.ok()) return mesh.status();
    a->mesh_ = std::move(*mesh);
  }
  IngestClientOptions opts;
  if (a->mesh_ != nullptr) {
    opts.mesh_address = a->mesh_->announce_address();
    MeshAgent* mesh = a->mesh_.get();
    opts.on_mesh_plan = [mesh](MeshPlan plan) { mesh->SetPlan(std::move(plan)); };
  }
  opts.target = config.collector_address;
  opts.targets = CollectorTargets(config);
  opts.spool = a->spool_.get();
  opts.replay_rate = config.spool.replay_rate;
  opts.tls = config.tls;
  opts.host_name = config.hostname;
  opts.static_labels = config.labels;
  opts.collection_interval = config.interval;
  // With a spool, the epoch and sequence space continue across restarts, so spooled batches of
  // the previous run never collide with new numbers (the collector de-duplicates per epoch).
  opts.epoch = a->spool_ != nullptr ? a->spool_->epoch() : RandomEpoch();
  a->client_ = std::make_unique<IngestClient>(opts, a->table_.get(), a->queue_.get());
  a->duplicate_samples_ = std::make_unique<DuplicateSamples>(a->collection_.get());

  // Written after the sources, in this order, into every batch.
  a->collection_->AddContributor(a->slow_tier_.get());
  if (a->spool_metrics_ != nullptr) a->collection_->AddContributor(a->spool_metrics_.get());
  a->collection_->AddContributor(a->client_.get());
  a->collection_->AddContributor(a->queue_.get());
  if (a->mesh_ != nullptr) a->collection_->AddContributor(a->mesh_.get());
  a->collection_->AddContributor(a->duplicate_samples_.get());
  a->collection_->AddContributor(BuildInfoContributor());
  return a;
}

absl::Status Agent::Connect() { return client_->Start(); }

void Agent::RequestStop() {
  absl::MutexLock lock(&mu_);
  stop_requested_ = true;
}

void Agent::CollectAndQueue() {
  auto batch = std::make_shared<CollectedBatch>();
  batch->sequence = ++sequence_;
  collection_->CollectOnce(batch.get());
  bool spooled = false;
  if (spool_ != nullptr) {
    encoder_->Encode(*batch, &spool_payload_);
    // Appended before it is sent: once write(2) returned, a crash of the agent cannot lose it.
    absl::Status s = spool_->Append(batch->sequence, batch->timestamp_ms,
                                    static_cast<uint32_t>(batch->values.size()), spool_payload_);
    spooled = s.ok();
    if (!s.ok()) {
      (spool_failures_++ == 0 ? log::Warn : log::Debug)(
          "cannot spool batch; sending it from memory only",
          log::Kv("sequence", static_cast<int64_t>(batch->sequence)) + log::Kv("err", s.message()));
    } else if (spool_failures_ > 0) {
      log::Info("spooling batches again",
                log::Kv("sequence", static_cast<int64_t>(batch->sequence)) +
                    log::Kv("not_spooled", static_cast<int64_t>(spool_failures_)));
      spool_failures_ = 0;
    }
  }
  queue_->Push(std::move(batch), spooled);
  client_->Notify();
}

void Agent::Run() {
  log::Info(
      "agent started",
      log::Kv("version", HOSTMON_VERSION) + log::Kv("hostname", config_.hostname) +
          log::Kv("collector", absl::StrJoin(CollectorTargets(config_), ",")) +
          log::Kv("spool", config_.spool.directory.empty() ? "off" : config_.spool.directory) +
          log::Kv("interval", absl::FormatDuration(config_.interval)) +
          log::Kv("sources", static_cast<int64_t>(collection_->sources().size())));
  slow_tier_->Start();
  if (mesh_ != nullptr) mesh_->Start();
  const absl::Duration interval = config_.interval;
  absl::Time next = clock_->Now();
  // Without a watchdog the wait below is one wait per tick; with one, it wakes every half
  // WatchdogSec to ping (waiting for the next tick is progress; a stuck collection is not).
  const absl::Duration ping_every =
      notifier_ != nullptr ? notifier_->ping_interval() : absl::InfiniteDuration();
  int collections = 0;  // counted up to 3
  while (true) {
    if (collections < 3 && ++collections == 3) {
      // The start is over (the first collection defined every series, the second was a steady
      // one): unmap the code pages only the start ran, so that RSS counts what the agent uses
      // (common/code_pages.h). Done after a wait, not right after a collection, so that it does
      // not delay the reading of the clock that places the next tick.
      absl::StatusOr<uint64_t> kb = common::DropStartupCodePages();
      if (kb.ok()) {
        log::Debug("unmapped code pages of the start", log::Kv("kb", static_cast<int64_t>(*kb)));
      } else {
        log::Warn("could not unmap the start's code pages", log::Kv("err", kb.status().message()));
      }
    }
    CollectAndQueue();
    if (notifier_ != nullptr) notifier_->WatchdogPing();
    // Ticks stay on the interval grid; a collection that overran skips the missed ticks.
    absl::Time now = clock_->Now();
    next += interval;
    if (next < now) next = now + interval - ((now - next) % interval);
    absl::MutexLock lock(&mu_);
    bool stop = false;
    while (true) {
      const absl::Time deadline = std::min(next, clock_->Now() + ping_every);
      stop = clock_->AwaitWithDeadline(&mu_, absl::Condition(&stop_requested_), deadline);
      if (stop || deadline >= next) break;
      notifier_->WatchdogPing();
    }
    if (stop) break;
  }
  Shutdown();
}

void Agent::Shutdown() {
  slow_tier_->Stop(absl::Seconds(2));
  if (mesh_ != nullptr) mesh_->Stop();
  client_->Stop(absl::Seconds(3));
  BatchQueue::Stats q = queue_->stats();
  if (spool_ != nullptr) {
    spool_->Flush();
    log::Info("unacknowledged batches stay in the spool",
              log::Kv("batches", static_cast<int64_t>(spool_->stats().pending_batches)));
  } else if (q.queued_batches > 0) {
    log::Warn(
        "unacknowledged batches lost at shutdown: the spool is off (set spool.directory in the "
        "config file or --spool.directory to keep them across restarts)",
        log::Kv("batches", static_cast<int64_t>(q.queued_batches)));
  }
  log::Info("stopped");
}

}  // namespace hostmon::agent
