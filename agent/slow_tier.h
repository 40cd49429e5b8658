// SPDX-License-Identifier: Apache-2.0
//
// The slow tier: sources registered with SourceInfo.slow (IPMI, Redfish, SMART) talk to
// devices that can hang for minutes. Each runs on its own thread and schedule with a deadline; the
// fast /proc cycle only copies the latest completed result, so it never waits for a device.
//
// Contract for a slow source (an ordinary agent::Source):
//  - Collect() runs on the tier's thread for that source, never concurrently with itself: at most
//    one collection of a source is in flight. A tick that falls while it runs is skipped (counted
//    in hostmon_agent_slow_source_skipped_ticks_total), so work never piles up.
//  - What a collection writes is exported as is, whether Collect() returned OK or an error: on
//    failure a source writes only what is still true, typically its `*_up{target=...} 0` series.
//    Per-target deadlines inside a collection are the source's job; the tier's timeout is the
//    backstop for the whole collection.
//  - While a collection is in flight past its deadline, or when the latest one finished after its
//    deadline, the source's values are NOT exported frozen: only the `*_up` series (family names
//    ending in "_up") of its last result are exported, with value 0, plus the self metrics with
//    hostmon_agent_source_success 0.
//  - Samples carry the timestamp of the fast batch they are merged into (the agent sends one
//    timestamp per batch); hostmon_agent_slow_source_last_success_timestamp_seconds tells how old
//    the values are.
//  - Options: the tier adds `interval` and `timeout` to every slow source
//    (--source.<name>.interval / --source.<name>.timeout, sources_options.<name>.*). A source may
//    declare them itself in SourceInfo.options to choose its own defaults.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/contributor.h"
#include "agent/source.h"
#include "agent/source_registry.h"
#include "common/clock.h"

namespace hostmon::agent {

inline constexpr absl::string_view kSlowIntervalOption = "interval";
inline constexpr absl::string_view kSlowTimeoutOption = "timeout";
inline constexpr absl::string_view kSlowDefaultInterval = "30s";
inline constexpr absl::string_view kSlowDefaultTimeout = "25s";

// The options of a source including those the slow tier adds (for flags, config validation and
// the factory's SourceContext). For a fast source this is info.options.
std::vector<SourceOption> EffectiveOptions(const SourceInfo& info);

struct SlowSourceSpec {
  std::string name;
  SourcePtr source;
  absl::Duration interval = absl::Seconds(30);
  absl::Duration timeout = absl::Seconds(25);
};

// The source's --source.<name>.timeout from the merged option values: the deadline of one
// collection, also given to its factory as SourceContext::deadline. Errors name the option.
absl::StatusOr<absl::Duration> SlowSourceTimeout(const std::string& name,
                                                 const std::map<std::string, std::string>& options);

// Reads --source.<name>.interval/.timeout from the merged option values; errors name the option.
absl::StatusOr<SlowSourceSpec> MakeSlowSourceSpec(
    const std::string& name, SourcePtr source, const std::map<std::string, std::string>& options);

class SlowTier : public Contributor {
 public:
  // `clock` schedules the collections and judges their deadlines (tests pass a fake one); the
  // grace period of Stop is real time, as it bounds the process's shutdown.
  explicit SlowTier(std::vector<SlowSourceSpec> sources,
                    const common::Clock* clock = &common::RealClock::Get());
  // Stops with a short grace (see Stop).
  ~SlowTier() override;
  SlowTier(const SlowTier&) = delete;
  SlowTier& operator=(const SlowTier&) = delete;

  // Starts one thread per source; each collects at once, then every interval.
  void Start();

  // For --once: runs every source once, all in parallel, and returns when each has completed or
  // passed its deadline (a stuck one is then abandoned by Stop).
  void RunOnce();

  // Asks every thread to finish and joins those that do within `grace`. A thread stuck in a
  // device call is detached with a warning: it owns its state, so it can finish (or not) safely.
  void Stop(absl::Duration grace = absl::Seconds(2));

  // Called by the fast cycle: writes each slow source's latest completed result and its self
  // metrics. Never blocks on a collection (the lock it takes is held only to swap buffers).
  // Allocation-free in the steady state apart from what `out` does.
  void WriteTo(SampleWriter& out) override;

  size_t size() const { return states_.size(); }
  const std::string& name(size_t i) const;

  struct State;  // defined in slow_tier.cc; shared with the source's thread

 private:
  void StartThreads(bool once);

  const common::Clock* clock_;
  std::vector<std::shared_ptr<State>> states_;
  std::vector<std::thread> threads_;
  std::vector<LabelRef> scratch_labels_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace hostmon::agent
