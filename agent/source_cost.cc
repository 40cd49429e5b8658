// SPDX-License-Identifier: Apache-2.0
#include "agent/source_cost.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/file_open_count.h"

namespace hostmon::agent {
namespace {

double Seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

double Mean(double total, uint64_t n) { return n == 0 ? 0.0 : total / static_cast<double>(n); }

// " %9.3f" of `cpu_ms` split in the proportion user : system, or "-" twice without a sample.
std::string Split(double cpu_ms, double user, double system) {
  if (user + system <= 0) return absl::StrFormat(" %9s %9s", "-", "-");
  const double u = cpu_ms * user / (user + system);
  return absl::StrFormat(" %9.3f %9.3f", u, cpu_ms - u);
}

}  // namespace

ThreadUsage ThreadUsageNow() {
  ThreadUsage u;
  struct timespec ts;
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) {
    u.cpu_s = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
  struct rusage ru;
  if (::getrusage(RUSAGE_THREAD, &ru) == 0) {
    u.user_s = Seconds(ru.ru_utime);
    u.system_s = Seconds(ru.ru_stime);
  }
  u.files_opened = common::FilesOpenedOnThisThread();
  return u;
}

void SourceCost::Add(double wall_seconds, const ThreadUsage& before, const ThreadUsage& after,
                     uint64_t samples_added) {
  ++collections;
  wall_s += wall_seconds;
  cpu_s += std::max(0.0, after.cpu_s - before.cpu_s);
  // The kernel rescales the sampled split to the thread's run time, which can move one of the
  // two backwards between readings; a negative share is not the source's.
  sampled_user_s += std::max(0.0, after.user_s - before.user_s);
  sampled_system_s += std::max(0.0, after.system_s - before.system_s);
  samples += samples_added;
  files_opened += after.files_opened - before.files_opened;
}

std::string FormatCostReport(const std::vector<SourceCost>& costs, int warmup) {
  std::vector<const SourceCost*> rows;
  size_t width = 6;  // "source"
  uint64_t collections = 0;
  for (const SourceCost& c : costs) {
    rows.push_back(&c);
    width = std::max(width, c.name.size());
    collections = std::max(collections, c.collections);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const SourceCost* a, const SourceCost* b) {
    const double ca = Mean(a->cpu_s, a->collections), cb = Mean(b->cpu_s, b->collections);
    return ca != cb ? ca > cb : a->name < b->name;
  });
  std::string out = absl::StrCat(
      "# per-source cost: mean per collection over ", collections, " collection(s)",
      warmup > 0 ? absl::StrCat(" after ", warmup, " warm-up collection(s)") : "",
      "\n# cpu: the collecting thread's CPU time (CLOCK_THREAD_CPUTIME_ID, exact). user/sys: cpu "
      "split in the proportion of getrusage(RUSAGE_THREAD) user and system time over the "
      "source's collections (\"-\": none yet); a kernel that samples them at timer ticks scales "
      "that proportion to the whole thread, so there it is the thread's, not the source's\n");
  const int w = static_cast<int>(width);
  absl::StrAppend(&out, absl::StrFormat("%-*s %9s %9s %9s %9s %8s %6s\n", w, "source", "wall_ms",
                                        "cpu_ms", "user_ms", "sys_ms", "samples", "files"));
  auto row = [&](absl::string_view name, double wall_ms, double cpu_ms, double user, double system,
                 double samples, double files) {
    absl::StrAppend(&out, absl::StrFormat("%-*s %9.3f %9.3f", w, name, wall_ms, cpu_ms),
                    Split(cpu_ms, user, system), absl::StrFormat(" %8.0f %6.0f\n", samples, files));
  };
  SourceCost total;
  for (const SourceCost* c : rows) {
    const uint64_t n = c->collections;
    row(c->name, Mean(c->wall_s, n) * 1e3, Mean(c->cpu_s, n) * 1e3, c->sampled_user_s,
        c->sampled_system_s, Mean(static_cast<double>(c->samples), n),
        Mean(static_cast<double>(c->files_opened), n));
    total.wall_s += Mean(c->wall_s, n);
    total.cpu_s += Mean(c->cpu_s, n);
    total.sampled_user_s += c->sampled_user_s;
    total.sampled_system_s += c->sampled_system_s;
    total.samples += c->samples;  // summed over collections, divided below
    total.files_opened += c->files_opened;
  }
  row("total", total.wall_s * 1e3, total.cpu_s * 1e3, total.sampled_user_s, total.sampled_system_s,
      Mean(static_cast<double>(total.samples), collections),
      Mean(static_cast<double>(total.files_opened), collections));
  return out;
}

}  // namespace hostmon::agent
