// SPDX-License-Identifier: Apache-2.0
//
// The agent's parts, built from its configuration, and the long-running collection loop. The
// program's entry point (agent/agent_app.h) parses the configuration, builds these, runs them and
// turns SIGTERM/SIGINT into Agent::RequestStop (SIGHUP: stop, then a new Agent from the reloaded
// configuration); tests build them with fake sources and a fake clock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/agent_config.h"
#include "agent/collection.h"
#include "agent/mesh/mesh_agent.h"
#include "agent/series_table.h"
#include "agent/slow_tier.h"
#include "agent/source.h"
#include "agent/source_registry.h"
#include "agent/spool/spool.h"
#include "agent/spool/spool_metrics.h"
#include "agent/transport/batch_queue.h"
#include "agent/transport/ingest_client.h"
#include "common/clock.h"
#include "common/fs_root.h"
#include "common/start_error.h"
#include "common/systemd_notify.h"

namespace hostmon::agent {

// The selected sources, built: the fast ones run in every collection, the slow ones in the slow
// tier (agent/slow_tier.h). The fast ones share `cycle_files`, which the collection over them
// starts a cycle of in every collection.
struct AgentSources {
  std::vector<Collection::NamedSource> fast;
  std::vector<SlowSourceSpec> slow;
  std::shared_ptr<CycleFiles> cycle_files;
};

// Builds one source through its factory. The one place where a SourceContext is made: the
// file-system roots, the source's options as merged by ApplyAgentFlags, its collection deadline
// (SourceContext::deadline) and, for a fast source, the files it shares with the other fast ones
// (SourceContext::cycle_files). `config` and `fs` must outlive the source (a source may keep its
// context's pointers).
absl::StatusOr<SourcePtr> CreateSource(const SourceInfo& info, const AgentConfig& config,
                                       const common::FsRoot* fs,
                                       absl::Duration deadline = absl::InfiniteDuration(),
                                       CycleFiles* cycle_files = nullptr);

// Selects the sources the configuration switches on and builds them (CreateSource), slow ones
// with their --source.<name>.interval/.timeout, fast ones sharing out->cycle_files. Returns why
// not, if one cannot be built.
std::optional<common::StartError> BuildSources(const AgentConfig& config, const common::FsRoot* fs,
                                               AgentSources* out);

// --once: runs the slow sources once, in parallel, each bounded by its timeout, then one
// collection, and returns it as Prometheus text exposition (families sorted by name).
std::string CollectOnceExposition(AgentSources sources);

// --debug.cost: like --once, then one unaccounted collection (series interning, buffer growth)
// and `collections` accounted ones; returns the per-source cost report (agent/source_cost.h) of
// the fast sources. Slow-tier sources run on their own threads and are not in it.
std::string CollectCostReport(AgentSources sources, int collections);

// The long-running agent: collects on the interval grid, appends each batch to the spool (when
// spool.directory is set), queues it for the collector client, and stops on request.
class Agent {
 public:
  // Builds the series table, the collection over the fast sources, the slow tier, the spool (when
  // configured), the send queue, the mesh responder and prober (when mesh.listen_address is set)
  // and the collector client, and registers their self metrics with the collection. Nothing runs
  // yet. `config` must be valid (ValidateAgentConfig). Errors: the spool cannot be opened, the mesh
  // responder cannot listen.
  static absl::StatusOr<std::unique_ptr<Agent>> Create(
      const AgentConfig& config, AgentSources sources,
      const common::Clock* clock = &common::RealClock::Get());
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Starts the client's connection thread. Errors: credentials (unreadable TLS files, plaintext
  // to a remote address). Without it, Run collects and queues only (tests).
  absl::Status Connect();

  // Starts the slow tier and collects at once, then on every tick of the interval grid of the
  // injected clock (ticks missed by a collection that overran are skipped, not made up) until
  // RequestStop. Then stops the slow tier, sends what is queued (with a grace period), flushes
  // the spool and logs what stays unacknowledged.
  void Run();

  // Thread-safe. Run completes the collection in progress, if any, then shuts down and returns.
  void RequestStop();

  // systemd's watchdog (common/systemd_notify.h), set before Run: Run pings it after every
  // collection and while it waits for the next tick, never while a collection is stuck. Must
  // outlive Run.
  void SetNotifier(const common::SystemdNotifier* notifier) { notifier_ = notifier; }

  // Adds a part whose self metrics go into every batch after the agent's own (e.g. the
  // program's reload status). Before Run; `c` must outlive the agent.
  void AddContributor(Contributor* c) { collection_->AddContributor(c); }

  BatchQueue& queue() { return *queue_; }
  const SeriesTable& table() const { return *table_; }

 private:
  class DuplicateSamples;  // the collection's own counter, as a contributor

  Agent(const AgentConfig& config, const common::Clock* clock);
  // One cycle: collect, spool, queue, wake the client.
  void CollectAndQueue();
  void Shutdown();

  const AgentConfig config_;
  const common::Clock* clock_;
  // Declared in dependency order: the client (last) uses the table, the spool and the queue, so
  // it is destroyed first.
  std::unique_ptr<SeriesTable> table_;
  std::unique_ptr<Collection> collection_;
  std::unique_ptr<DuplicateSamples> duplicate_samples_;
  std::unique_ptr<SlowTier> slow_tier_;
  std::unique_ptr<Spool> spool_;  // null: in-memory queue only
  std::unique_ptr<SpoolMetrics> spool_metrics_;
  std::unique_ptr<BatchQueue> queue_;
  std::unique_ptr<MeshAgent> mesh_;  // null: the mesh is off
  std::unique_ptr<IngestClient> client_;
  std::unique_ptr<SelfContainedEncoder> encoder_;  // spool payloads
  std::string spool_payload_;
  // Batches not spooled since the last one that was: a full disk is logged once when it starts
  // and once when it ends, not with every batch.
  uint64_t spool_failures_ = 0;
  uint64_t sequence_ = 0;  // of the last batch; continues the spool's across restarts
  const common::SystemdNotifier* notifier_ = nullptr;

  absl::Mutex mu_;
  bool stop_requested_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hostmon::agent
