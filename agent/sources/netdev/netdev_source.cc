// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netdev/netdev_source.h"

#include <unistd.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/device_filter.h"
#include "agent/sources/netdev/netdev_parser.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

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

// node_exporter 1.5.0 reads the counters over netlink by default, which adds rx_nohandler (not in
// /proc/net/dev); sysfs has the same counter per device.
constexpr MetricDesc kNoHandler{"node_network_receive_nohandler_total", kCounter,
                                "Network device statistic receive_nohandler."};

class NetdevSource : public Source {
 public:
  NetdevSource(const common::FsRoot& fs, DeviceFilter filter)
      : path_(fs.Proc("net/dev")), sys_net_(fs.Sys("class/net")), filter_(std::move(filter)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseNetDev(text_, &lines_));
    for (const NetDevLine& dev : lines_) {
      if (!filter_.Keep(dev.device)) continue;
      const LabelRef labels[] = {{"device", dev.device}};
      for (int i = 0; i < kNetDevColumns; ++i) {
        out.Add(kDescs[i], labels, static_cast<double>(dev.values[i]));
      }
      uint64_t nohandler;
      HM_ASSIGN_OR_RETURN(bool found, ReadNoHandler(dev.device, &nohandler));
      if (found) out.Add(kNoHandler, labels, static_cast<double>(nohandler));
    }
    return absl::OkStatus();
  }

 private:
  // Reads /sys/class/net/<device>/statistics/rx_nohandler; false when the file does not exist
  // (kernels before 4.6, or a device that vanished between the two reads).
  absl::StatusOr<bool> ReadNoHandler(absl::string_view device, uint64_t* value) {
    sys_path_.clear();
    absl::StrAppend(&sys_path_, sys_net_, "/", device, "/statistics/rx_nohandler");
    // A file absent last time is checked with access() first: a failed ReadFileTo costs an
    // allocated error Status on every scrape.
    const bool was_absent = absent_.contains(sys_path_);
    if (was_absent && ::access(sys_path_.c_str(), F_OK) != 0) return false;
    absl::Status status = common::ReadFileTo(sys_path_, &sys_text_);
    if (absl::IsNotFound(status)) {
      if (absent_.size() > 1024) absent_.clear();  // bound it when devices come and go
      absent_.insert(sys_path_);
      return false;
    }
    HM_RETURN_IF_ERROR(status);
    if (was_absent) absent_.erase(sys_path_);
    HM_RETURN_IF_ERROR(
        common::ParseUint64(absl::StripAsciiWhitespace(sys_text_), sys_path_, value));
    return true;
  }

  std::string path_;
  std::string sys_net_;
  DeviceFilter filter_;
  std::string sys_path_;
  std::string sys_text_;
  absl::flat_hash_set<std::string> absent_;
  std::string text_;
  std::vector<NetDevLine> lines_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeNetdevSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(DeviceFilter filter, DeviceFilter::Make(ctx));
  return std::make_unique<NetdevSource>(*ctx.fs, std::move(filter));
}

}  // namespace hostmon::agent
