// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mdadm/mdadm_source.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/mdadm/mdadm_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

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
constexpr MetricDesc kRaidDisks{"node_md_raid_disks", kGauge, "Number of raid disks on device."};
constexpr MetricDesc kDegraded{"node_md_degraded", kGauge, "Number of degraded disks on device."};

// (parsed state, label) pairs in node_exporter's order; any other parsed state (e.g.
// "(read-only)") sets none of them, as in node_exporter.
constexpr std::pair<absl::string_view, absl::string_view> kStates[] = {
    {"active", "active"},    {"inactive", "inactive"}, {"recovering", "recovering"},
    {"resyncing", "resync"}, {"checking", "check"},
};

class MdadmSource : public Source {
 public:
  explicit MdadmSource(const common::FsRoot& fs)
      : path_(fs.Proc("mdstat")), block_dir_(fs.Sys("block")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseMdstat(text_, &lines_, &devices_));
    CollectMdstat(out);
    return CollectSysfs(out);
  }

 private:
  void CollectMdstat(SampleWriter& out) {
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
  }

  // node_exporter 1.12's node_md_raid_disks and node_md_degraded, from /sys/block/md*/md/.
  // The arrays there are those of /proc/mdstat, so /sys/block is listed again only when the
  // set of arrays in /proc/mdstat changes (an array created or stopped), not every cycle.
  absl::Status CollectSysfs(SampleWriter& out) {
    if (ArraysChanged()) ListSysfsArrays();
    absl::Status last = absl::OkStatus();
    for (const std::string& name : md_arrays_) {
      // A failed read is reported after the other arrays (node_exporter drops every array's
      // series on one bad file; here only that array's are missing).
      absl::Status status = ReadAttr(name, "level", &level_);
      if (!status.ok()) {
        last = status;
        continue;
      }
      const absl::string_view level = absl::StripAsciiWhitespace(level_);
      uint64_t raid_disks = 0;
      bool has_raid_disks = false;
      if (MdLevelHasRaidDisks(level)) {
        status = ReadAttr(name, "raid_disks", &text2_);
        if (!status.ok()) {
          last = status;
          continue;
        }
        has_raid_disks = ParseMdRaidDisks(text2_, &raid_disks);
      }
      uint64_t degraded = 0;
      if (MdLevelHasDegraded(level)) {
        status = ReadAttr(name, "degraded", &text2_);
        if (status.ok()) {
          status = common::ParseUint64(absl::StripAsciiWhitespace(text2_), attr_path_, &degraded);
        }
        if (!status.ok()) {
          last = status;
          continue;
        }
      }
      LabelRef device[] = {{"device", name}};
      if (has_raid_disks) out.Add(kRaidDisks, device, static_cast<double>(raid_disks));
      out.Add(kDegraded, device, static_cast<double>(degraded));
    }
    return last;
  }

  // Whether /proc/mdstat's array names differ from those of the last listing (or there was none).
  bool ArraysChanged() {
    bool changed = !listed_ || devices_.size() != mdstat_names_.size();
    for (size_t i = 0; !changed && i < devices_.size(); ++i) {
      changed = devices_[i].name != mdstat_names_[i];
    }
    if (!changed) return false;
    mdstat_names_.resize(devices_.size());
    for (size_t i = 0; i < devices_.size(); ++i) {
      mdstat_names_[i].assign(devices_[i].name.data(), devices_[i].name.size());
    }
    return true;
  }

  // /sys/block/md*/md, sorted as node_exporter's glob. No /sys/block: no arrays.
  void ListSysfsArrays() {
    listed_ = true;
    md_arrays_.clear();
    if (!common::ListDir(block_dir_, &block_).ok()) return;
    for (const absl::string_view entry : block_.names) {
      if (!absl::StartsWith(entry, "md")) continue;
      attr_path_.assign(block_dir_);
      absl::StrAppend(&attr_path_, "/", entry, "/md");
      struct stat st;
      if (::stat(attr_path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        md_arrays_.emplace_back(entry);
      }
    }
  }

  absl::Status ReadAttr(absl::string_view array, absl::string_view attr, std::string* text) {
    attr_path_.assign(block_dir_);
    absl::StrAppend(&attr_path_, "/", array, "/md/", attr);
    return common::ReadFileTo(attr_path_, text);
  }

  std::string path_;
  std::string block_dir_;
  std::string text_;  // reused buffers: no allocation per device in steady state
  std::vector<absl::string_view> lines_;
  std::vector<MdDevice> devices_;
  // The sysfs arrays and the /proc/mdstat names they were listed for.
  bool listed_ = false;
  std::vector<std::string> mdstat_names_;
  std::vector<std::string> md_arrays_;
  common::DirListing block_;
  std::string attr_path_, level_, text2_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeMdadmSource(const SourceContext& ctx) {
  return std::make_unique<MdadmSource>(*ctx.fs);
}

}  // namespace hostmon::agent
