// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/infiniband/infiniband_source.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/device_filter.h"
#include "agent/sources/common/sysfs_value.h"
#include "agent/sources/infiniband/infiniband_parser.h"
#include "common/dir_entries.h"
#include "common/fs_root.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{
    "node_infiniband_info", kGauge,
    "Non-numeric data from /sys/class/infiniband/<device>, value is always 1."};
constexpr MetricDesc kStateId{
    "node_infiniband_state_id", kGauge,
    "State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, 5: act "
    "defer)"};
constexpr MetricDesc kPhysStateId{
    "node_infiniband_physical_state_id", kGauge,
    "Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: disable, 4: "
    "shift, 5: link up, 6: link error recover, 7: phytest)"};
constexpr MetricDesc kRate{"node_infiniband_rate_bytes_per_second", kGauge,
                           "Maximum signal transfer rate"};

enum Dir { kCounters, kCountersExt, kHwCounters, kNumDirs };
constexpr absl::string_view kDirNames[kNumDirs] = {"counters", "counters_ext", "hw_counters"};

// The port counters node_exporter 1.12 exports (collector/infiniband_linux.go, help texts
// verbatim) and the files they come from (procfs sysfs/class_infiniband.go). The data counters
// are per lane and multiplied by 4, as procfs does (Mellanox: "divided by 4 unconditionally").
struct Counter {
  Dir dir;
  absl::string_view file;
  MetricDesc desc;
  bool times4 = false;
};
constexpr Counter kCountersTable[] = {
    {kCountersExt,
     "port_multicast_rcv_packets",
     {"node_infiniband_legacy_multicast_packets_received_total", kCounter,
      "Number of multicast packets received"}},
    {kCountersExt,
     "port_multicast_xmit_packets",
     {"node_infiniband_legacy_multicast_packets_transmitted_total", kCounter,
      "Number of multicast packets transmitted"}},
    {kCountersExt,
     "port_rcv_data_64",
     {"node_infiniband_legacy_data_received_bytes_total", kCounter,
      "Number of data octets received on all links"},
     true},
    {kCountersExt,
     "port_rcv_packets_64",
     {"node_infiniband_legacy_packets_received_total", kCounter,
      "Number of data packets received on all links"}},
    {kCountersExt,
     "port_unicast_rcv_packets",
     {"node_infiniband_legacy_unicast_packets_received_total", kCounter,
      "Number of unicast packets received"}},
    {kCountersExt,
     "port_unicast_xmit_packets",
     {"node_infiniband_legacy_unicast_packets_transmitted_total", kCounter,
      "Number of unicast packets transmitted"}},
    {kCountersExt,
     "port_xmit_data_64",
     {"node_infiniband_legacy_data_transmitted_bytes_total", kCounter,
      "Number of data octets transmitted on all links"},
     true},
    // node_exporter's help says "received" for this transmit counter; kept verbatim.
    {kCountersExt,
     "port_xmit_packets_64",
     {"node_infiniband_legacy_packets_transmitted_total", kCounter,
      "Number of data packets received on all links"}},
    {kCounters,
     "excessive_buffer_overrun_errors",
     {"node_infiniband_excessive_buffer_overrun_errors_total", kCounter,
      "Number of times that OverrunErrors consecutive flow control update periods occurred, each "
      "having at least one overrun error."}},
    {kCounters,
     "link_downed",
     {"node_infiniband_link_downed_total", kCounter,
      "Number of times the link failed to recover from an error state and went down"}},
    {kCounters,
     "link_error_recovery",
     {"node_infiniband_link_error_recovery_total", kCounter,
      "Number of times the link successfully recovered from an error state"}},
    {kCounters,
     "local_link_integrity_errors",
     {"node_infiniband_local_link_integrity_errors_total", kCounter,
      "Number of times that the count of local physical errors exceeded the threshold specified "
      "by LocalPhyErrors."}},
    {kCounters,
     "multicast_rcv_packets",
     {"node_infiniband_multicast_packets_received_total", kCounter,
      "Number of multicast packets received (including errors)"}},
    {kCounters,
     "multicast_xmit_packets",
     {"node_infiniband_multicast_packets_transmitted_total", kCounter,
      "Number of multicast packets transmitted (including errors)"}},
    {kCounters,
     "port_rcv_constraint_errors",
     {"node_infiniband_port_constraint_errors_received_total", kCounter,
      "Number of packets received on the switch physical port that are discarded"}},
    {kCounters,
     "port_xmit_constraint_errors",
     {"node_infiniband_port_constraint_errors_transmitted_total", kCounter,
      "Number of packets not transmitted from the switch physical port"}},
    {kCounters,
     "port_rcv_data",
     {"node_infiniband_port_data_received_bytes_total", kCounter,
      "Number of data octets received on all links"},
     true},
    {kCounters,
     "port_xmit_data",
     {"node_infiniband_port_data_transmitted_bytes_total", kCounter,
      "Number of data octets transmitted on all links"},
     true},
    {kCounters,
     "port_rcv_discards",
     {"node_infiniband_port_discards_received_total", kCounter,
      "Number of inbound packets discarded by the port because the port is down or congested"}},
    {kCounters,
     "port_xmit_discards",
     {"node_infiniband_port_discards_transmitted_total", kCounter,
      "Number of outbound packets discarded by the port because the port is down or congested"}},
    {kCounters,
     "port_rcv_errors",
     {"node_infiniband_port_errors_received_total", kCounter,
      "Number of packets containing an error that were received on this port"}},
    {kCounters,
     "port_rcv_packets",
     {"node_infiniband_port_packets_received_total", kCounter,
      "Number of packets received on all VLs by this port (including errors)"}},
    {kCounters,
     "port_xmit_packets",
     {"node_infiniband_port_packets_transmitted_total", kCounter,
      "Number of packets transmitted on all VLs from this port (including errors)"}},
    {kCounters,
     "port_xmit_wait",
     {"node_infiniband_port_transmit_wait_total", kCounter,
      "Number of ticks during which the port had data to transmit but no data was sent during the "
      "entire tick"}},
    {kCounters,
     "unicast_rcv_packets",
     {"node_infiniband_unicast_packets_received_total", kCounter,
      "Number of unicast packets received (including errors)"}},
    {kCounters,
     "unicast_xmit_packets",
     {"node_infiniband_unicast_packets_transmitted_total", kCounter,
      "Number of unicast packets transmitted (including errors)"}},
    {kCounters,
     "port_rcv_remote_physical_errors",
     {"node_infiniband_port_receive_remote_physical_errors_total", kCounter,
      "Number of packets marked with the EBP (End of Bad Packet) delimiter received on the "
      "port."}},
    {kCounters,
     "port_rcv_switch_relay_errors",
     {"node_infiniband_port_receive_switch_relay_errors_total", kCounter,
      "Number of packets that could not be forwarded by the switch."}},
    {kCounters,
     "symbol_error",
     {"node_infiniband_symbol_error_total", kCounter,
      "Number of minor link errors detected on one or more physical lanes."}},
    {kCounters,
     "VL15_dropped",
     {"node_infiniband_vl15_dropped_total", kCounter,
      "Number of incoming VL15 packets dropped due to resource limitations."}},
    // hw_counters: https://enterprise-support.nvidia.com/s/article/understanding-mlx5-linux-
    // counters-and-status-parameters
    {kHwCounters,
     "duplicate_request",
     {"node_infiniband_duplicate_requests_packets_total", kCounter,
      "The number of received packets. A duplicate request is a request that had been previously "
      "executed."}},
    {kHwCounters,
     "implied_nak_seq_err",
     {"node_infiniband_implied_nak_seq_errors_total", kCounter,
      "The number of time the requested decided an ACK. with a PSN larger than the expected PSN "
      "for an RDMA read or response."}},
    {kHwCounters,
     "local_ack_timeout_err",
     {"node_infiniband_local_ack_timeout_errors_total", kCounter,
      "The number of times QP's ack timer expired for RC, XRC, DCT QPs at the sender side. The QP "
      "retry limit was not exceed, therefore it is still recoverable error."}},
    {kHwCounters,
     "np_cnp_sent",
     {"node_infiniband_np_cnp_packets_sent_total", kCounter,
      "The number of CNP packets sent by the Notification Point when it noticed congestion "
      "experienced in the RoCEv2 IP header (ECN bits). The counters was added in MLNX_OFED 4.1"}},
    {kHwCounters,
     "np_ecn_marked_roce_packets",
     {"node_infiniband_np_ecn_marked_roce_packets_received_total", kCounter,
      "The number of RoCEv2 packets received by the notification point which were marked for "
      "experiencing the congestion (ECN bits where '11' on the ingress RoCE traffic) . The "
      "counters was added in MLNX_OFED 4.1"}},
    {kHwCounters,
     "out_of_buffer",
     {"node_infiniband_out_of_buffer_drops_total", kCounter,
      "The number of drops occurred due to lack of WQE for the associated QPs."}},
    {kHwCounters,
     "out_of_sequence",
     {"node_infiniband_out_of_sequence_packets_received_total", kCounter,
      "The number of out of sequence packets received."}},
    {kHwCounters,
     "packet_seq_err",
     {"node_infiniband_packet_sequence_errors_total", kCounter,
      "The number of received NAK sequence error packets. The QP retry limit was not exceeded."}},
    {kHwCounters,
     "req_cqe_error",
     {"node_infiniband_req_cqes_errors_total", kCounter,
      "The number of times requester detected CQEs completed with errors. The counters was added "
      "in MLNX_OFED 4.1"}},
    {kHwCounters,
     "req_cqe_flush_error",
     {"node_infiniband_req_cqes_flush_errors_total", kCounter,
      "The number of times requester detected CQEs completed with flushed errors. The counters "
      "was added in MLNX_OFED 4.1"}},
    {kHwCounters,
     "req_remote_access_errors",
     {"node_infiniband_req_remote_access_errors_total", kCounter,
      "The number of times requester detected remote access errors. The counters was added in "
      "MLNX_OFED 4.1"}},
    {kHwCounters,
     "req_remote_invalid_request",
     {"node_infiniband_req_remote_invalid_request_errors_total", kCounter,
      "The number of times requester detected remote invalid request errors. The counters was "
      "added in MLNX_OFED 4.1"}},
    {kHwCounters,
     "resp_cqe_error",
     {"node_infiniband_resp_cqes_errors_total", kCounter,
      "The number of times responder detected CQEs completed with errors. The counters was added "
      "in MLNX_OFED 4.1"}},
    {kHwCounters,
     "resp_cqe_flush_error",
     {"node_infiniband_resp_cqes_flush_errors_total", kCounter,
      "The number of times responder detected CQEs completed with flushed errors. The counters "
      "was added in MLNX_OFED 4.1"}},
    {kHwCounters,
     "resp_local_length_error",
     {"node_infiniband_resp_local_length_errors_total", kCounter,
      "The number of times responder detected local length errors. The counters was added in "
      "MLNX_OFED 4.1"}},
    {kHwCounters,
     "resp_remote_access_errors",
     {"node_infiniband_resp_remote_access_errors_total", kCounter,
      "The number of times responder detected remote access errors. The counters was added in "
      "MLNX_OFED 4.1"}},
    {kHwCounters,
     "rnr_nak_retry_err",
     {"node_infiniband_rnr_nak_retry_packets_received_total", kCounter,
      "The number of received RNR NAK packets. The QP retry limit was not exceeded."}},
    {kHwCounters,
     "roce_adp_retrans",
     {"node_infiniband_roce_adp_retransmits_total", kCounter,
      "The number of adaptive retransmissions for RoCE traffic. The counter was added in "
      "MLNX_OFED rev 5.0-1.0.0.0 and kernel v5.6.0"}},
    {kHwCounters,
     "roce_adp_retrans_to",
     {"node_infiniband_roce_adp_retransmits_timeout_total", kCounter,
      "The number of times RoCE traffic reached timeout due to adaptive retransmission. The "
      "counter was added in MLNX_OFED rev 5.0-1.0.0.0 and kernel v5.6.0"}},
    {kHwCounters,
     "roce_slow_restart",
     {"node_infiniband_roce_slow_restart_used_total", kCounter,
      "The number of times RoCE slow restart was used. The counter was added in MLNX_OFED rev "
      "5.0-1.0.0.0 and kernel v5.6.0"}},
    {kHwCounters,
     "roce_slow_restart_cnps",
     {"node_infiniband_roce_slow_restart_cnps_total", kCounter,
      "The number of times RoCE slow restart generated CNP packets. The counter was added in "
      "MLNX_OFED rev 5.0-1.0.0.0 and kernel v5.6.0"}},
    {kHwCounters,
     "roce_slow_restart_trans",
     {"node_infiniband_roce_slow_restart_total", kCounter,
      "The number of times RoCE slow restart changed state to slow restart. The counter was added "
      "in MLNX_OFED rev 5.0-1.0.0.0 and kernel v5.6.0"}},
    {kHwCounters,
     "rp_cnp_handled",
     {"node_infiniband_rp_cnp_packets_handled_total", kCounter,
      "The number of CNP packets handled by the Reaction Point HCA to throttle the transmission "
      "rate. The counters was added in MLNX_OFED 4.1"}},
    {kHwCounters,
     "rp_cnp_ignored",
     {"node_infiniband_rp_cnp_ignored_packets_received_total", kCounter,
      "The number of CNP packets received and ignored by the Reaction Point HCA. This counter "
      "should not raise if RoCE Congestion Control was enabled in the network. If this counter "
      "raise, verify that ECN was enabled on the adapter."}},
    {kHwCounters,
     "rx_atomic_requests",
     {"node_infiniband_rx_atomic_requests_total", kCounter,
      "The number of received ATOMIC request for the associated QPs."}},
    {kHwCounters,
     "rx_dct_connect",
     {"node_infiniband_rx_dct_connect_requests_total", kCounter,
      "The number of received connection requests for the associated DCTs."}},
    {kHwCounters,
     "rx_read_requests",
     {"node_infiniband_rx_read_requests_total", kCounter,
      "The number of received READ requests for the associated QPs."}},
    {kHwCounters,
     "rx_write_requests",
     {"node_infiniband_rx_write_requests_total", kCounter,
      "The number of received WRITE requests for the associated QPs."}},
    {kHwCounters,
     "rx_icrc_encapsulated",
     {"node_infiniband_rx_icrc_encapsulated_errors_total", kCounter,
      "The number of RoCE packets with ICRC errors. This counter was added in MLNX_OFED 4.4 and "
      "kernel 4.19"}},
    // A gauge in seconds (the file is in ms, divided as an integer as node_exporter does).
    {kHwCounters,
     "lifespan",
     {"node_infiniband_lifespan_seconds", kGauge,
      "The maximum period in ms which defines the aging of the counter reads. Two consecutive "
      "reads within this period might return the same values."}},
};
constexpr size_t kNumCounters = sizeof(kCountersTable) / sizeof(kCountersTable[0]);
constexpr size_t kLifespan = kNumCounters - 1;

// A counter file that exists but cannot be read is skipped, as procfs does: not found,
// permission denied, not supported, and (in counters/ only) EINVAL. ReadFileTo reports the errno
// by its strerror text.
bool IsSkippable(const absl::Status& status, Dir dir) {
  if (absl::IsNotFound(status)) return true;
  for (const int err : {EACCES, EPERM, EOPNOTSUPP, EINVAL}) {
    if (err == EINVAL && dir != kCounters) continue;
    if (absl::EndsWith(status.message(), std::strerror(err))) return true;
  }
  // A directory or other non-regular entry under a counter's name: procfs reads regular files.
  return absl::StrContains(status.message(), "not a regular file");
}

struct Port {
  std::string number;  // as node_exporter formats it: decimal, no leading zeros
  uint32_t state = 0, phys_state = 0;
  uint64_t rate = 0;
  bool present[kNumCounters] = {};
  uint64_t values[kNumCounters] = {};
};
struct Device {
  std::string name, board_id, firmware_version, hca_type;
  std::vector<Port> ports;  // the first n_ports are this cycle's
  size_t n_ports = 0;
};

class InfinibandSource : public Source {
 public:
  InfinibandSource(const common::FsRoot& fs, DeviceFilter filter)
      : dir_(fs.Sys("class/infiniband")), filter_(std::move(filter)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &devices_listing_));
    // Everything is read before anything is written: node_exporter reports either all devices
    // or, on any error, none.
    n_devices_ = 0;
    for (const absl::string_view name : devices_listing_.names) {
      if (!filter_.Keep(name)) continue;
      // Elements are reused from earlier cycles (strings keep their capacity); every field is
      // overwritten by the reads.
      if (n_devices_ == devices_.size()) devices_.emplace_back();
      Device& device = devices_[n_devices_++];
      device.name.assign(name.data(), name.size());
      HM_RETURN_IF_ERROR(ReadDevice(&device));
    }
    for (size_t d = 0; d < n_devices_; ++d) Write(devices_[d], out);
    return absl::OkStatus();
  }

 private:
  absl::Status ReadDevice(Device* device) {
    device_dir_.assign(dir_);
    absl::StrAppend(&device_dir_, "/", device->name);
    // Which optional files exist: one listing instead of a failed open (whose error status
    // allocates) per file the driver lacks.
    HM_RETURN_IF_ERROR(common::ListDir(device_dir_, &device_files_));
    // fw_ver exists for every driver since Linux 4.10; the other two are optional.
    HM_RETURN_IF_ERROR(ReadAttribute("fw_ver", /*optional=*/false, &device->firmware_version));
    HM_RETURN_IF_ERROR(ReadAttribute("board_id", /*optional=*/true, &device->board_id));
    HM_RETURN_IF_ERROR(ReadAttribute("hca_type", /*optional=*/true, &device->hca_type));
    path_.assign(device_dir_);
    absl::StrAppend(&path_, "/ports");
    HM_RETURN_IF_ERROR(common::ListDir(path_, &ports_listing_));
    device->n_ports = 0;
    for (const absl::string_view entry : ports_listing_.names) {
      uint64_t number = 0;
      if (!common::ParseUint64(entry, "", &number).ok() || number > UINT32_MAX) {
        return absl::InvalidArgumentError(
            absl::StrCat(path_, ": port \"", entry, "\" is not a uint32"));
      }
      if (device->n_ports == device->ports.size()) device->ports.emplace_back();
      Port& port = device->ports[device->n_ports++];
      port.number.clear();
      absl::StrAppend(&port.number, number);
      HM_RETURN_IF_ERROR(ReadPort(entry, &port));
    }
    return absl::OkStatus();
  }

  // <device>/<file> as procfs' SysReadFile: 128 bytes, trimmed; "" when optional and absent.
  absl::Status ReadAttribute(absl::string_view file, bool optional, std::string* value) {
    value->clear();
    if (optional &&
        !std::binary_search(device_files_.names.begin(), device_files_.names.end(), file)) {
      return absl::OkStatus();
    }
    path_.assign(device_dir_);
    absl::StrAppend(&path_, "/", file);
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (optional && absl::IsNotFound(s)) return absl::OkStatus();  // gone since the listing
    HM_RETURN_IF_ERROR(s);
    const absl::string_view v = SysfsAttributeText(text_);
    value->assign(v.data(), v.size());
    return absl::OkStatus();
  }

  absl::Status ReadPort(absl::string_view entry, Port* port) {
    port_dir_.assign(device_dir_);
    absl::StrAppend(&port_dir_, "/ports/", entry);
    // link_layer is not exported, but procfs requires it: a port without it fails as there.
    HM_RETURN_IF_ERROR(ReadPortFile("link_layer"));
    HM_RETURN_IF_ERROR(ReadPortFile("state"));
    HM_RETURN_IF_ERROR(ParseInfinibandState(text_, path_, &port->state));
    HM_RETURN_IF_ERROR(ReadPortFile("phys_state"));
    HM_RETURN_IF_ERROR(ParseInfinibandState(text_, path_, &port->phys_state));
    HM_RETURN_IF_ERROR(ReadPortFile("rate"));
    HM_RETURN_IF_ERROR(ParseInfinibandRate(text_, path_, &port->rate));

    std::fill(std::begin(port->present), std::end(port->present), false);
    // Which counter directories exist: one listing instead of failed ones (allocating errors).
    HM_RETURN_IF_ERROR(common::ListDir(port_dir_, &port_files_));
    bool listed[kNumDirs] = {};
    for (int d = 0; d < kNumDirs; ++d) {
      // counters_ext (the 64-bit counters before Linux 4.5) is read only with counters, as
      // procfs does.
      if (d == kCountersExt && !listed[kCounters]) continue;
      if (!std::binary_search(port_files_.names.begin(), port_files_.names.end(), kDirNames[d])) {
        continue;
      }
      path_.assign(port_dir_);
      absl::StrAppend(&path_, "/", kDirNames[d]);
      absl::Status s = common::ListDir(path_, &counter_files_[d]);
      if (absl::IsNotFound(s)) continue;
      HM_RETURN_IF_ERROR(s);
      listed[d] = true;
    }
    for (size_t i = 0; i < kNumCounters; ++i) {
      const Counter& c = kCountersTable[i];
      const common::DirListing& files = counter_files_[c.dir];
      if (!listed[c.dir] || !std::binary_search(files.names.begin(), files.names.end(), c.file)) {
        continue;
      }
      path_.assign(port_dir_);
      absl::StrAppend(&path_, "/", kDirNames[c.dir], "/", c.file);
      absl::Status s = common::ReadFileTo(path_, &text_);
      if (!s.ok() && IsSkippable(s, c.dir)) continue;
      HM_RETURN_IF_ERROR(s);
      uint64_t v = 0;
      HM_RETURN_IF_ERROR(ParseInfinibandCounter(text_, path_, &v, &port->present[i]));
      // uint64 arithmetic wraps as in Go.
      port->values[i] = c.times4 ? v * 4 : i == kLifespan ? v / 1000 : v;
    }
    return absl::OkStatus();
  }

  // <port>/<file> into text_ (the whole file, as procfs' os.ReadFile); path_ names it.
  absl::Status ReadPortFile(absl::string_view file) {
    path_.assign(port_dir_);
    absl::StrAppend(&path_, "/", file);
    return common::ReadFileTo(path_, &text_);
  }

  void Write(const Device& device, SampleWriter& out) const {
    const LabelRef info[] = {{"board_id", device.board_id},
                             {"device", device.name},
                             {"firmware_version", device.firmware_version},
                             {"hca_type", device.hca_type}};
    out.Add(kInfo, info, 1);
    for (size_t p = 0; p < device.n_ports; ++p) {
      const Port& port = device.ports[p];
      const LabelRef labels[] = {{"device", device.name}, {"port", port.number}};
      out.Add(kStateId, labels, port.state);
      out.Add(kPhysStateId, labels, port.phys_state);
      out.Add(kRate, labels, static_cast<double>(port.rate));
      for (size_t i = 0; i < kNumCounters; ++i) {
        if (port.present[i]) {
          out.Add(kCountersTable[i].desc, labels, static_cast<double>(port.values[i]));
        }
      }
    }
  }

  const std::string dir_;
  const DeviceFilter filter_;
  common::DirListing devices_listing_, ports_listing_;  // reused: no allocation in steady state
  common::DirListing device_files_, port_files_;        // of the device / port being read; sorted
  common::DirListing counter_files_[kNumDirs];
  std::vector<Device> devices_;  // the first n_devices_ are this cycle's
  size_t n_devices_ = 0;
  std::string device_dir_, port_dir_, path_, text_;
};

}  // namespace

std::vector<SourceOption> InfinibandOptions() {
  return {{"device-include", "",
           "Regexp of infiniband devices to include (mutually exclusive to device-exclude)."},
          {"device-exclude", "",
           "Regexp of infiniband devices to exclude (mutually exclusive to device-include)."}};
}

absl::StatusOr<SourcePtr> MakeInfinibandSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(DeviceFilter filter, DeviceFilter::Make(ctx));
  return std::make_unique<InfinibandSource>(*ctx.fs, std::move(filter));
}

}  // namespace hostmon::agent
