// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpu_source.h"

#include <string>

#include "agent/sources/common/proc_stat_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kCpuSeconds{"node_cpu_seconds_total", kCounter,
                                 "Seconds the CPUs spent in each mode."};
constexpr MetricDesc kCpuGuestSeconds{"node_cpu_guest_seconds_total", kCounter,
                                      "Seconds the CPUs spent in guests (VMs) for each mode."};

class CpuSource : public Source {
 public:
  explicit CpuSource(const common::FsRoot& fs) : path_(fs.Proc("stat")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseProcStat(text_, &stat_));
    for (const CpuTimesLine& c : stat_.cpus) {
      // Same mode set and order as node_exporter's cpu collector.
      const std::pair<absl::string_view, uint64_t> modes[] = {
          {"idle", c.idle},       {"iowait", c.iowait}, {"irq", c.irq},       {"nice", c.nice},
          {"softirq", c.softirq}, {"steal", c.steal},   {"system", c.system}, {"user", c.user},
      };
      for (const auto& [mode, ticks] : modes) {
        LabelRef labels[] = {{"cpu", c.cpu}, {"mode", mode}};
        out.Add(kCpuSeconds, labels, static_cast<double>(ticks) / kUserHz);
      }
      // Guest time is also counted in user/nice (as in the kernel); node_exporter 1.5.0 exports
      // it as is, without subtracting.
      const LabelRef guest[] = {{"cpu", c.cpu}, {"mode", "user"}};
      out.Add(kCpuGuestSeconds, guest, static_cast<double>(c.guest) / kUserHz);
      const LabelRef guest_nice[] = {{"cpu", c.cpu}, {"mode", "nice"}};
      out.Add(kCpuGuestSeconds, guest_nice, static_cast<double>(c.guest_nice) / kUserHz);
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
  ProcStat stat_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeCpuSource(const SourceContext& ctx) {
  return std::make_unique<CpuSource>(*ctx.fs);
}

}  // namespace hostmon::agent
