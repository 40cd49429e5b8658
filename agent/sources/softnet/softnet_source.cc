// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/softnet/softnet_source.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/softnet/softnet_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kProcessed{"node_softnet_processed_total", kCounter,
                                "Number of processed packets"};
constexpr MetricDesc kDropped{"node_softnet_dropped_total", kCounter, "Number of dropped packets"};
constexpr MetricDesc kSqueezed{"node_softnet_times_squeezed_total", kCounter,
                               "Number of times processing packets ran out of quota"};
// Columns of newer kernels, as node_exporter 1.12 (only where the kernel prints them; 1.12
// exports 0 there).
constexpr MetricDesc kReceivedRps{"node_softnet_received_rps_total", kCounter,
                                  "Number of times cpu woken up received_rps"};
constexpr MetricDesc kFlowLimitCount{"node_softnet_flow_limit_count_total", kCounter,
                                     "Number of times flow limit has been reached"};
constexpr MetricDesc kCpuCollision{
    "node_softnet_cpu_collision_total", kCounter,
    "Number of collision occur while obtaining device lock while transmitting"};
constexpr MetricDesc kBacklogLen{"node_softnet_backlog_len", kGauge, "Softnet backlog status"};

class SoftnetSource : public Source {
 public:
  explicit SoftnetSource(const common::FsRoot& fs) : path_(fs.Proc("net/softnet_stat")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseSoftnet(text_, &lines_));
    // Label strings are reused: formatting into their kept capacity does not allocate.
    if (cpu_names_.size() < lines_.size()) cpu_names_.resize(lines_.size());
    for (size_t i = 0; i < lines_.size(); ++i) {
      // The CPU id the kernel prints (5.10+), else the line number, as node_exporter 1.12.
      cpu_names_[i].clear();
      absl::StrAppend(&cpu_names_[i], lines_[i].cpu_index);
      const LabelRef labels[] = {{"cpu", cpu_names_[i]}};
      out.Add(kProcessed, labels, static_cast<double>(lines_[i].processed));
      out.Add(kDropped, labels, static_cast<double>(lines_[i].dropped));
      out.Add(kSqueezed, labels, static_cast<double>(lines_[i].time_squeezed));
      out.Add(kCpuCollision, labels, static_cast<double>(lines_[i].cpu_collision));
      if (lines_[i].has_received_rps) {
        out.Add(kReceivedRps, labels, static_cast<double>(lines_[i].received_rps));
      }
      if (lines_[i].has_flow_limit_count) {
        out.Add(kFlowLimitCount, labels, static_cast<double>(lines_[i].flow_limit_count));
      }
      // 0 before Linux 5.10, which does not print it: node_exporter 1.12 exports it anyway.
      out.Add(kBacklogLen, labels, static_cast<double>(lines_[i].backlog_len));
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
  std::vector<SoftnetLine> lines_;
  std::vector<std::string> cpu_names_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeSoftnetSource(const SourceContext& ctx) {
  return std::make_unique<SoftnetSource>(*ctx.fs);
}

}  // namespace hostmon::agent
