// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/stat/stat_source.h"

#include <memory>
#include <string>
#include <utility>

#include "agent/sources/common/proc_stat_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter's names, types and help texts.
constexpr MetricDesc kBootTime{"node_boot_time_seconds", kGauge, "Node boot time, in unixtime."};
constexpr MetricDesc kContextSwitches{"node_context_switches_total", kCounter,
                                      "Total number of context switches."};
constexpr MetricDesc kForks{"node_forks_total", kCounter, "Total number of forks."};
constexpr MetricDesc kIntr{"node_intr_total", kCounter, "Total number of interrupts serviced."};
constexpr MetricDesc kProcsRunning{"node_procs_running", kGauge,
                                   "Number of processes in runnable state."};
constexpr MetricDesc kProcsBlocked{"node_procs_blocked", kGauge,
                                   "Number of processes blocked waiting for I/O to complete."};
constexpr MetricDesc kSoftirqs{"node_softirqs_total", kCounter, "Number of softirq calls."};

class StatSource : public Source {
 public:
  StatSource(std::shared_ptr<CycleFile> file, bool softirq)
      : file_(std::move(file)), softirq_(softirq) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_ASSIGN_OR_RETURN(absl::string_view text, file_->Read());
    HM_RETURN_IF_ERROR(ParseProcStat(text, &stat_));
    // A line the kernel did not write is left out rather than reported as 0 (node_exporter
    // reports 0), so that a reset counter cannot be confused with a missing one.
    const struct {
      const MetricDesc& desc;
      bool present;
      uint64_t value;
    } lines[] = {
        {kBootTime, stat_.has_btime, stat_.btime},
        {kContextSwitches, stat_.has_ctxt, stat_.ctxt},
        {kForks, stat_.has_processes, stat_.processes},
        {kIntr, stat_.has_intr, stat_.intr_total},
        {kProcsRunning, stat_.has_procs_running, stat_.procs_running},
        {kProcsBlocked, stat_.has_procs_blocked, stat_.procs_blocked},
    };
    for (const auto& line : lines) {
      if (line.present) out.Add(line.desc, {}, static_cast<double>(line.value));
    }
    if (!softirq_) return absl::OkStatus();
    SoftirqCounts softirqs;
    if (absl::Status s = ParseSoftirqLine(stat_, &softirqs); !s.ok()) {
      // A kernel without the line (before 2.6.31) has nothing to report, as a missing counter
      // line above.
      return absl::IsNotFound(s) ? absl::OkStatus() : s;
    }
    for (size_t i = 0; i < kSoftirqVectors; ++i) {
      const LabelRef label[] = {{"vector", kSoftirqVectorNames[i]}};
      out.Add(kSoftirqs, label, static_cast<double>(softirqs.vectors[i]));
    }
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<CycleFile> file_;  // /proc/stat, shared with the cpu source
  bool softirq_;
  ProcStat stat_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeStatSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(bool softirq, ctx.Bool("softirq"));
  return std::make_unique<StatSource>(ctx.SharedFile(ctx.fs->Proc("stat")), softirq);
}

std::vector<SourceOption> StatOptions() {
  return {{"softirq", "false", "Export softirq calls per vector (true/false)."}};
}

}  // namespace hostmon::agent
