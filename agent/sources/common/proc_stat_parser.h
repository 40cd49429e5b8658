// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/stat, the kernel's cumulative CPU time and scheduler counters (see
// proc(5)). A 4-CPU file starts like this:
//
//   cpu  4732 14 1716 130100 407 0 81 22 0 0
//   cpu0 1312 3 457 32249 210 0 13 9 0 0
//   ...
//   intr 162115 0 0 0 ...
//   ctxt 280676
//   btime 1795274682
//   processes 4352
//   procs_running 1
//   procs_blocked 0
//
// The parser is pure (text in, struct out) so that it can be tested on fixtures and fed the
// same buffer the reader reuses for every scrape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Clock ticks in /proc/stat and /proc/<pid>/stat are USER_HZ, which the kernel fixes at 100 for
// userspace on every architecture (node_exporter's procfs uses the same constant).
inline constexpr double kUserHz = 100.0;

// One "cpu"/"cpuN" line. Kept as named members rather than an array because collectors map
// each column to its own mode label.
struct CpuTimesLine {
  // "" for the aggregate "cpu" line, else the number, e.g. "0" for "cpu0". Views the input.
  absl::string_view cpu;
  // Values in USER_HZ ticks (1/100 s) as in the file. Columns a kernel lacks (steal <2.6.11,
  // guest <2.6.24, guest_nice <2.6.33) are 0.
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0,
           guest = 0, guest_nice = 0;
};

struct ProcStat {
  CpuTimesLine total;              // the "cpu " line
  std::vector<CpuTimesLine> cpus;  // "cpuN" lines in file order
  // Other lines; each present flag is set when its line exists, because a 0 counter and a
  // missing line must be reported differently.
  bool has_ctxt = false, has_btime = false, has_processes = false, has_procs_running = false,
       has_procs_blocked = false, has_intr = false;
  uint64_t ctxt = 0, btime = 0, processes = 0, procs_running = 0, procs_blocked = 0;
  uint64_t intr_total = 0;  // first number of the "intr" line
  // The "softirq" line as read (empty when absent) and its line number, parsed only on demand by
  // ParseSoftirqLine: the cpu source never needs it, and an odd softirq line must not fail it.
  absl::string_view softirq_line;
  size_t softirq_line_no = 0;
};

// The per-vector softirq counts of /proc/stat's "softirq" line (kernel/softirq.c, show_stat in
// fs/proc/stat.c): the total, then one column per vector in softirq_to_name order, e.g.
//   softirq 5057579 250191 1481983 1647 211099 186066 0 1783454 622196 12499 508444
inline constexpr size_t kSoftirqVectors = 10;
inline constexpr absl::string_view kSoftirqVectorNames[kSoftirqVectors] = {
    "hi",           "timer",   "net_tx", "net_rx",  "block",
    "block_iopoll", "tasklet", "sched",  "hrtimer", "rcu"};
struct SoftirqCounts {
  uint64_t total = 0;
  uint64_t vectors[kSoftirqVectors] = {};  // in kSoftirqVectorNames order
};

// Parses /proc/stat. Clears and refills *out; out->cpus keeps its capacity so a steady-state
// scrape does not allocate. Views in *out point into `text`, which must outlive them.
//
// Error if there is no "cpu" line, a cpu line has fewer than 4 time columns, a value is not a
// decimal uint64 (or a known line lacks its value), or a "cpuX" line's X is not a number; on
// error *out is unspecified. Columns beyond guest_nice and unknown lines are ignored so that
// newer kernels still parse. A repeated "cpu" or counter line replaces the earlier one; "cpuN"
// lines are all kept, in order. A last line without '\n' is parsed like any other; a file cut
// inside a number cannot be told from a complete one, so callers must read the whole file.
absl::Status ParseProcStat(absl::string_view text, ProcStat* out);

// Parses the softirq line ParseProcStat kept. NotFound when the file has none; an error naming
// the line when it has fewer than the 11 numbers of every kernel since 2.6.32 (as node_exporter's
// procfs, which reads exactly these columns) or a value is not a decimal uint64. Extra columns
// (a future vector) are ignored.
absl::Status ParseSoftirqLine(const ProcStat& stat, SoftirqCounts* out);

}  // namespace hostmon::agent
