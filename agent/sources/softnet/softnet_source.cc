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
// Newer node_exporter (>= 1.6) columns, for the Node Exporter Full dashboard's Softnet RPS panel.
constexpr MetricDesc kReceivedRps{"node_softnet_received_rps_total", kCounter,
                                  "Number of times each cpu woke up received_rps"};
constexpr MetricDesc kFlowLimitCount{"node_softnet_flow_limit_count_total", kCounter,
                                     "Number of times flow limit has been reached"};

class SoftnetSource : public Source {
 public:
  explicit SoftnetSource(const common::FsRoot& fs) : path_(fs.Proc("net/softnet_stat")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseSoftnet(text_, &lines_));
    // CPU label strings are made once per CPU count, not per scrape.
    while (cpu_names_.size() < lines_.size()) cpu_names_.push_back(absl::StrCat(cpu_names_.size()));
    for (size_t i = 0; i < lines_.size(); ++i) {
      const LabelRef labels[] = {{"cpu", cpu_names_[i]}};
      out.Add(kProcessed, labels, static_cast<double>(lines_[i].processed));
      out.Add(kDropped, labels, static_cast<double>(lines_[i].dropped));
      out.Add(kSqueezed, labels, static_cast<double>(lines_[i].time_squeezed));
      if (lines_[i].has_received_rps) {
        out.Add(kReceivedRps, labels, static_cast<double>(lines_[i].received_rps));
      }
      if (lines_[i].has_flow_limit_count) {
        out.Add(kFlowLimitCount, labels, static_cast<double>(lines_[i].flow_limit_count));
      }
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
