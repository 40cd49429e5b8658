// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netdev/netdev_source.h"

#include <array>
#include <string>
#include <vector>

#include "agent/sources/netdev/device_filter.h"
#include "agent/sources/netdev/netdev_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter builds these as "node_network_" + column + "_total" with help
// "Network device statistic " + column + "."; spelled out so that nothing is built per scrape.
constexpr std::array<MetricDesc, kNetDevColumns> kDescs = {{
    {"node_network_receive_bytes_total", kCounter, "Network device statistic receive_bytes."},
    {"node_network_receive_packets_total", kCounter, "Network device statistic receive_packets."},
    {"node_network_receive_errs_total", kCounter, "Network device statistic receive_errs."},
    {"node_network_receive_drop_total", kCounter, "Network device statistic receive_drop."},
    {"node_network_receive_fifo_total", kCounter, "Network device statistic receive_fifo."},
    {"node_network_receive_frame_total", kCounter, "Network device statistic receive_frame."},
    {"node_network_receive_compressed_total", kCounter,
     "Network device statistic receive_compressed."},
    {"node_network_receive_multicast_total", kCounter,
     "Network device statistic receive_multicast."},
    {"node_network_transmit_bytes_total", kCounter, "Network device statistic transmit_bytes."},
    {"node_network_transmit_packets_total", kCounter, "Network device statistic transmit_packets."},
    {"node_network_transmit_errs_total", kCounter, "Network device statistic transmit_errs."},
    {"node_network_transmit_drop_total", kCounter, "Network device statistic transmit_drop."},
    {"node_network_transmit_fifo_total", kCounter, "Network device statistic transmit_fifo."},
    {"node_network_transmit_colls_total", kCounter, "Network device statistic transmit_colls."},
    {"node_network_transmit_carrier_total", kCounter, "Network device statistic transmit_carrier."},
    {"node_network_transmit_compressed_total", kCounter,
     "Network device statistic transmit_compressed."},
}};

class NetdevSource : public Source {
 public:
  NetdevSource(const common::FsRoot& fs, DeviceFilter filter)
      : path_(fs.Proc("net/dev")), filter_(std::move(filter)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseNetDev(text_, &lines_));
    for (const NetDevLine& dev : lines_) {
      if (!filter_.Keep(dev.device)) continue;
      const LabelRef labels[] = {{"device", dev.device}};
      for (int i = 0; i < kNetDevColumns; ++i) {
        out.Add(kDescs[i], labels, static_cast<double>(dev.values[i]));
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  DeviceFilter filter_;
  std::string text_;
  std::vector<NetDevLine> lines_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeNetdevSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(DeviceFilter filter,
                      DeviceFilter::Make("netdev", "device-include", ctx.Option("device-include"),
                                         "device-exclude", ctx.Option("device-exclude")));
  return std::make_unique<NetdevSource>(*ctx.fs, std::move(filter));
}

}  // namespace hostmon::agent
