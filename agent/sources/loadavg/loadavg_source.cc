// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/loadavg/loadavg_source.h"

#include <string>

#include "agent/sources/loadavg/loadavg_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kLoad1{"node_load1", kGauge, "1m load average."};
constexpr MetricDesc kLoad5{"node_load5", kGauge, "5m load average."};
constexpr MetricDesc kLoad15{"node_load15", kGauge, "15m load average."};

class LoadavgSource : public Source {
 public:
  explicit LoadavgSource(const common::FsRoot& fs) : path_(fs.Proc("loadavg")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    LoadAvg load;
    HM_RETURN_IF_ERROR(ParseLoadavg(text_, &load));
    out.Add(kLoad1, {}, load.load1);
    out.Add(kLoad5, {}, load.load5);
    out.Add(kLoad15, {}, load.load15);
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeLoadavgSource(const SourceContext& ctx) {
  return std::make_unique<LoadavgSource>(*ctx.fs);
}

}  // namespace hostmon::agent
