// SPDX-License-Identifier: Apache-2.0
//
// Per-source cost accounting for `hostmon-agent --debug.cost`: CPU time (user and system), wall
// time, samples and files opened by each source's collections, so an optimisation is aimed at the
// source that costs, not guessed. Collection::CollectOnce measures each source once, around its
// Collect(), where it also measures hostmon_agent_source_duration_seconds; this file holds the
// thread counters, the accumulation and the report's formatting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hostmon::agent {

// What the calling thread has used so far: its CPU time (CLOCK_THREAD_CPUTIME_ID, exact), the
// user and system time getrusage(RUSAGE_THREAD) reports, and the files it opened
// (common::FilesOpenedOnThisThread). Differences of two readings are what ran between.
//
// Without CONFIG_VIRT_CPU_ACCOUNTING the kernel samples a thread's user and system time at timer
// ticks (1 to 10 ms) and scales them to its run time in one thread-wide proportion, and
// getrusage(RUSAGE_THREAD) does not see the running thread's time since its last tick. So the
// report takes each source's CPU time from the exact clock and only splits it in the proportion
// getrusage gives, which on such a kernel is the thread's rather than the source's (measured: every
// row had the same split); a kernel with per-entry accounting makes it the source's own.
struct ThreadUsage {
  double cpu_s = 0;
  double user_s = 0;
  double system_s = 0;
  uint64_t files_opened = 0;
};
ThreadUsage ThreadUsageNow();

// One source's totals over the collections accounted so far.
struct SourceCost {
  std::string name;
  uint64_t collections = 0;
  double wall_s = 0;
  double cpu_s = 0;
  double sampled_user_s = 0;    // getrusage's tick-sampled user time
  double sampled_system_s = 0;  // getrusage's tick-sampled system time
  uint64_t samples = 0;
  uint64_t files_opened = 0;

  // Adds one collection: `wall_seconds` as measured for the duration self metric, the thread's
  // usage before and after it, and the samples it added to the batch.
  void Add(double wall_seconds, const ThreadUsage& before, const ThreadUsage& after,
           uint64_t samples_added);
};

// The report: one row per source with the means per collection (wall and CPU ms, CPU split into
// user and system ms, samples, files opened), most CPU first (ties by name), then a total row.
// The split is "-" while no tick has sampled the source. `warmup` is how many collections ran
// before the accounted ones (said in the header).
std::string FormatCostReport(const std::vector<SourceCost>& costs, int warmup);

}  // namespace hostmon::agent
