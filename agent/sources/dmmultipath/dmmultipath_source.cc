// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/dmmultipath/dmmultipath_source.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/sysfs_value.h"
#include "agent/sources/dmmultipath/dmmultipath_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{"node_dmmultipath_device_info", kGauge,
                           "Non-numeric information about a DM-multipath device."};
constexpr MetricDesc kActive{
    "node_dmmultipath_device_active", kGauge,
    "Whether the multipath device-mapper device is active (1) or suspended (0)."};
constexpr MetricDesc kSize{
    "node_dmmultipath_device_size_bytes", kGauge,
    "Size of the multipath device in bytes, read from /sys/block/<dm>/size."};
constexpr MetricDesc kPaths{"node_dmmultipath_device_paths", kGauge,
                            "Number of paths for a multipath device."};
constexpr MetricDesc kPathsActive{
    "node_dmmultipath_device_paths_active", kGauge,
    "Number of paths in active state (SCSI running or NVMe live) for a multipath device."};
constexpr MetricDesc kPathsFailed{"node_dmmultipath_device_paths_failed", kGauge,
                                  "Number of paths not in active state for a multipath device."};
constexpr MetricDesc kPathState{"node_dmmultipath_path_state", kGauge,
                                "Reports the underlying device state for a multipath path, as "
                                "read from /sys/block/<dev>/device/state."};

constexpr uint64_t kSectorBytes = 512;

struct Path {
  std::string device, state;
};

// One map as read; all are read before any is written, so a map that cannot be read exports
// nothing, as in node_exporter.
struct Map {
  std::string sysfs_name, name, uuid;
  bool suspended = false;
  uint64_t size_bytes = 0;
  std::vector<Path> paths;
  size_t num_paths = 0;  // paths[0, num_paths) are this map's; the rest keep their capacity
};

// node_exporter reports a missing or unreadable file as "no data" (ErrNoData), not a failure.
absl::Status NoData(absl::Status s) {
  if (absl::IsNotFound(s) || absl::IsPermissionDenied(s)) {
    return absl::NotFoundError(s.message());
  }
  return s;
}

class DmmultipathSource : public Source {
 public:
  explicit DmmultipathSource(const common::FsRoot& fs) : dir_(fs.Sys("block")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(NoData(common::ListDir(dir_, &blocks_)));
    used_ = 0;
    for (const absl::string_view name : blocks_.names) {
      if (!absl::StartsWith(name, "dm-")) continue;
      if (used_ == maps_.size()) maps_.emplace_back();
      HM_ASSIGN_OR_RETURN(bool multipath, ReadMap(name, &maps_[used_]));
      if (multipath) ++used_;
    }
    for (size_t i = 0; i < used_; ++i) Write(maps_[i], out);
    return absl::OkStatus();
  }

 private:
  // Reads /sys/block/<name>/...; false for a device-mapper device that is not a multipath map.
  absl::StatusOr<bool> ReadMap(absl::string_view name, Map* m) {
    SetPath(name, "/dm/uuid");
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (absl::IsNotFound(s)) return false;  // not a device-mapper device after all
    HM_RETURN_IF_ERROR(NoData(s));
    const absl::string_view uuid = SysfsAttributeText(text_);
    if (!absl::StartsWith(uuid, "mpath-")) return false;
    m->sysfs_name.assign(name.data(), name.size());
    m->uuid.assign(uuid.data(), uuid.size());
    SetPath(name, "/dm/name");
    HM_RETURN_IF_ERROR(NoData(common::ReadFileTo(path_, &text_)));
    const absl::string_view dm_name = SysfsAttributeText(text_);
    m->name.assign(dm_name.data(), dm_name.size());
    SetPath(name, "/dm/suspended");
    HM_RETURN_IF_ERROR(NoData(common::ReadFileTo(path_, &text_)));
    uint64_t suspended = 0;
    HM_RETURN_IF_ERROR(ParseDmUint(text_, path_, &suspended));
    m->suspended = suspended == 1;
    SetPath(name, "/size");
    HM_RETURN_IF_ERROR(NoData(common::ReadFileTo(path_, &text_)));
    uint64_t sectors = 0;
    HM_RETURN_IF_ERROR(ParseDmUint(text_, path_, &sectors));
    m->size_bytes = sectors * kSectorBytes;

    m->num_paths = 0;
    SetPath(name, "/slaves");
    s = common::ListDir(path_, &slaves_);
    if (absl::IsNotFound(s)) return true;  // a map without paths
    HM_RETURN_IF_ERROR(NoData(s));
    for (const absl::string_view slave : slaves_.names) {
      if (m->num_paths == m->paths.size()) m->paths.emplace_back();
      Path& p = m->paths[m->num_paths++];
      p.device.assign(slave.data(), slave.size());
      SetPath(slave, "/device/state");
      HM_RETURN_IF_ERROR(NoData(common::ReadFileTo(path_, &text_)));
      const absl::string_view state = SysfsAttributeText(text_);
      p.state.assign(state.data(), state.size());
    }
    return true;
  }

  void SetPath(absl::string_view device, absl::string_view file) {
    path_.assign(dir_);
    absl::StrAppend(&path_, "/", device, file);
  }

  static void Write(const Map& m, SampleWriter& out) {
    const LabelRef info[] = {{"device", m.name}, {"sysfs_name", m.sysfs_name}, {"uuid", m.uuid}};
    out.Add(kInfo, info, 1);
    const LabelRef labels[] = {{"device", m.name}, {"sysfs_name", m.sysfs_name}};
    out.Add(kActive, labels, m.suspended ? 0 : 1);
    out.Add(kSize, labels, static_cast<double>(m.size_bytes));
    double active = 0, failed = 0;
    for (size_t i = 0; i < m.num_paths; ++i) {
      const Path& p = m.paths[i];
      (IsDmPathActive(p.state) ? active : failed) += 1;
      const LabelRef path[] = {{"device", m.name}, {"path", p.device}, {"state", p.state}};
      out.Add(kPathState, path, 1);
    }
    out.Add(kPaths, labels, static_cast<double>(m.num_paths));
    out.Add(kPathsActive, labels, active);
    out.Add(kPathsFailed, labels, failed);
  }

  std::string dir_;
  common::DirListing blocks_;  // reused: no allocation in steady state
  common::DirListing slaves_;
  std::vector<Map> maps_;
  size_t used_ = 0;
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeDmmultipathSource(const SourceContext& ctx) {
  return std::make_unique<DmmultipathSource>(*ctx.fs);
}

}  // namespace hostmon::agent
