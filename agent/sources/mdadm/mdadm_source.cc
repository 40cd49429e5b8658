// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mdadm/mdadm_source.h"

#include <string>
#include <vector>

#include "agent/sources/mdadm/mdadm_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kState{"node_md_state", kGauge, "Indicates the state of md-device."};
constexpr MetricDesc kDisks{"node_md_disks", kGauge,
                            "Number of active/failed/spare disks of device."};
constexpr MetricDesc kDisksRequired{"node_md_disks_required", kGauge,
                                    "Total number of disks of device."};
constexpr MetricDesc kBlocks{"node_md_blocks", kGauge, "Total number of blocks on device."};
constexpr MetricDesc kBlocksSynced{"node_md_blocks_synced", kGauge,
                                   "Number of blocks synced on device."};

// (parsed state, label) pairs in node_exporter's order; any other parsed state (e.g.
// "(read-only)") sets none of them, as in node_exporter.
constexpr std::pair<absl::string_view, absl::string_view> kStates[] = {
    {"active", "active"},    {"inactive", "inactive"}, {"recovering", "recovering"},
    {"resyncing", "resync"}, {"checking", "check"},
};

class MdadmSource : public Source {
 public:
  explicit MdadmSource(const common::FsRoot& fs) : path_(fs.Proc("mdstat")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseMdstat(text_, &lines_, &devices_));
    for (const MdDevice& d : devices_) {
      LabelRef device[] = {{"device", d.name}};
      out.Add(kDisksRequired, device, static_cast<double>(d.disks_total));
      const std::pair<absl::string_view, int64_t> disks[] = {
          {"active", d.disks_active}, {"failed", d.disks_failed}, {"spare", d.disks_spare}};
      for (const auto& [state, n] : disks) {
        LabelRef labels[] = {{"device", d.name}, {"state", state}};
        out.Add(kDisks, labels, static_cast<double>(n));
      }
      for (const auto& [parsed, label] : kStates) {
        LabelRef labels[] = {{"device", d.name}, {"state", label}};
        out.Add(kState, labels, d.state == parsed ? 1 : 0);
      }
      out.Add(kBlocks, device, static_cast<double>(d.blocks_total));
      out.Add(kBlocksSynced, device, static_cast<double>(d.blocks_synced));
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;  // reused buffers: no allocation per device in steady state
  std::vector<absl::string_view> lines_;
  std::vector<MdDevice> devices_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeMdadmSource(const SourceContext& ctx) {
  return std::make_unique<MdadmSource>(*ctx.fs);
}

}  // namespace hostmon::agent
