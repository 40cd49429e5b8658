// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/drbd/drbd_source.h"

#include <charconv>
#include <string>
#include <vector>

#include "agent/sources/drbd/drbd_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's drbd collector (collector/drbd_linux.go); help texts verbatim.
struct NumericDesc {
  MetricDesc desc;
  // DRBD prints sizes in KiB. node_exporter multiplies nr by 1 (not 1024) although it is KiB as
  // well; kept, so that node_drbd_network_received_bytes_total has node_exporter's values.
  double multiplier;
};
// In kDrbdNumericKeys' order.
constexpr NumericDesc kNumeric[kDrbdNumericCount] = {
    {{"node_drbd_network_sent_bytes_total", kCounter,
      "Total number of bytes sent via the network."},
     1024},
    {{"node_drbd_network_received_bytes_total", kCounter,
      "Total number of bytes received via the network."},
     1},
    {{"node_drbd_disk_written_bytes_total", kCounter,
      "Net data written on local hard disk; in bytes."},
     1024},
    {{"node_drbd_disk_read_bytes_total", kCounter, "Net data read from local hard disk; in bytes."},
     1024},
    {{"node_drbd_activitylog_writes_total", kCounter,
      "Number of updates of the activity log area of the meta data."},
     1},
    {{"node_drbd_bitmap_writes_total", kCounter,
      "Number of updates of the bitmap area of the meta data."},
     1},
    {{"node_drbd_local_pending", kGauge, "Number of open requests to the local I/O sub-system."},
     1},
    {{"node_drbd_remote_pending", kGauge,
      "Number of requests sent to the peer, but that have not yet been answered by the latter."},
     1},
    {{"node_drbd_remote_unacknowledged", kGauge,
      "Number of requests received by the peer via the network connection, but that have not yet "
      "been answered."},
     1},
    {{"node_drbd_application_pending", kGauge,
      "Number of block I/O requests forwarded to DRBD, but not yet answered by DRBD."},
     1},
    {{"node_drbd_epochs", kGauge, "Number of Epochs currently on the fly."}, 1},
    {{"node_drbd_out_of_sync_bytes", kGauge, "Amount of data known to be out of sync; in bytes."},
     1024},
};
constexpr MetricDesc kRolePrimary{"node_drbd_node_role_is_primary", kGauge,
                                  "Whether the role of the node is in the primary state."};
constexpr MetricDesc kDiskUpToDate{"node_drbd_disk_state_is_up_to_date", kGauge,
                                   "Whether the disk of the node is up to date."};
constexpr MetricDesc kConnected{"node_drbd_connected", kGauge,
                                "Whether DRBD is connected to the peer."};

// node_drbd_<pair>{device,node} for node="local" and "remote": 1 when the state is `ok`.
void AddPair(SampleWriter& out, const MetricDesc& desc, absl::string_view device,
             const DrbdPair& pair, absl::string_view ok) {
  if (!pair.present) return;
  const LabelRef local[] = {{"device", device}, {"node", "local"}};
  const LabelRef remote[] = {{"device", device}, {"node", "remote"}};
  out.Add(desc, local, pair.local == ok ? 1 : 0);
  out.Add(desc, remote, pair.remote == ok ? 1 : 0);
}

class DrbdSource : public Source {
 public:
  explicit DrbdSource(const common::FsRoot& fs) : path_(fs.Proc("drbd")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseDrbd(text_, path_, &devices_));
    for (const DrbdDevice& d : devices_) {
      char buf[32] = "drbd";
      absl::string_view device = "unknown";
      if (d.has_minor) {
        const char* end = std::to_chars(buf + 4, buf + sizeof(buf), d.minor).ptr;
        device = absl::string_view(buf, end - buf);
      }
      const LabelRef labels[] = {{"device", device}};
      for (size_t i = 0; i < kDrbdNumericCount; ++i) {
        if (d.has_value[i]) out.Add(kNumeric[i].desc, labels, d.value[i] * kNumeric[i].multiplier);
      }
      AddPair(out, kRolePrimary, device, d.roles, "Primary");
      AddPair(out, kDiskUpToDate, device, d.disk_states, "UpToDate");
      if (d.has_connection_state) {
        out.Add(kConnected, labels, d.connection_state == "Connected" ? 1 : 0);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;                 // reused: no allocation in steady state
  std::vector<DrbdDevice> devices_;  // likewise
};

}  // namespace

absl::StatusOr<SourcePtr> MakeDrbdSource(const SourceContext& ctx) {
  return std::make_unique<DrbdSource>(*ctx.fs);
}

}  // namespace hostmon::agent
