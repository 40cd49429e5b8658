// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/arp/arp_source.h"

#include <string>
#include <vector>

#include "agent/sources/arp/arp_parser.h"
#include "agent/sources/common/device_filter.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kEntries{"node_arp_entries", kGauge, "ARP entries by device"};

class ArpSource : public Source {
 public:
  ArpSource(const common::FsRoot& fs, DeviceFilter filter)
      : path_(fs.Proc("net/arp")), filter_(std::move(filter)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseArp(text_, &counts_));
    for (const ArpDeviceCount& c : counts_) {
      if (!filter_.Keep(c.device)) continue;
      const LabelRef labels[] = {{"device", c.device}};
      out.Add(kEntries, labels, static_cast<double>(c.entries));
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  DeviceFilter filter_;
  std::string text_;
  std::vector<ArpDeviceCount> counts_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeArpSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(DeviceFilter filter, DeviceFilter::Make(ctx));
  return std::make_unique<ArpSource>(*ctx.fs, std::move(filter));
}

}  // namespace hostmon::agent
