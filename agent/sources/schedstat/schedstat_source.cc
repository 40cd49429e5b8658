// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/schedstat/schedstat_source.h"

#include <string>
#include <vector>

#include "agent/sources/schedstat/schedstat_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr double kNanosPerSecond = 1e9;

constexpr MetricDesc kRunning{"node_schedstat_running_seconds_total", kCounter,
                              "Number of seconds CPU spent running a process."};
constexpr MetricDesc kWaiting{"node_schedstat_waiting_seconds_total", kCounter,
                              "Number of seconds spent by processing waiting for this CPU."};
constexpr MetricDesc kTimeslices{"node_schedstat_timeslices_total", kCounter,
                                 "Number of timeslices executed by CPU."};

class SchedstatSource : public Source {
 public:
  explicit SchedstatSource(const common::FsRoot& fs) : path_(fs.Proc("schedstat")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseSchedstat(text_, &cpus_));
    for (const SchedstatCpu& c : cpus_) {
      const LabelRef labels[] = {{"cpu", c.cpu}};
      out.Add(kRunning, labels, static_cast<double>(c.running_ns) / kNanosPerSecond);
      out.Add(kWaiting, labels, static_cast<double>(c.waiting_ns) / kNanosPerSecond);
      out.Add(kTimeslices, labels, static_cast<double>(c.timeslices));
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
  std::vector<SchedstatCpu> cpus_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeSchedstatSource(const SourceContext& ctx) {
  return std::make_unique<SchedstatSource>(*ctx.fs);
}

}  // namespace hostmon::agent
