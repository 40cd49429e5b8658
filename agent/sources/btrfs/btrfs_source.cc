// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/btrfs/btrfs_source.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/btrfs/btrfs_parser.h"
#include "agent/sources/common/sysfs_value.h"
#include "common/dir_entries.h"
#include "common/fs_root.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's collector/btrfs_linux.go, help texts verbatim.
constexpr MetricDesc kInfo{"node_btrfs_info", kGauge, "Filesystem information"};
constexpr MetricDesc kGlobalRsv{"node_btrfs_global_rsv_size_bytes", kGauge,
                                "Size of global reserve."};
constexpr MetricDesc kCommits{"node_btrfs_commits_total", kCounter,
                              "The total number of commits that have occurred."};
constexpr MetricDesc kLastCommit{"node_btrfs_last_commit_seconds", kGauge,
                                 "Duration of the most recent commit, in seconds."};
constexpr MetricDesc kMaxCommit{"node_btrfs_max_commit_seconds", kGauge,
                                "Duration of the slowest commit, in seconds."};
constexpr MetricDesc kCommitTotal{"node_btrfs_commit_seconds_total", kCounter,
                                  "Sum of the duration of all commits, in seconds."};
constexpr MetricDesc kReserved{"node_btrfs_reserved_bytes", kGauge,
                               "Amount of space reserved for a data type"};
constexpr MetricDesc kUsed{"node_btrfs_used_bytes", kGauge,
                           "Amount of used space by a layout/data type"};
constexpr MetricDesc kSize{"node_btrfs_size_bytes", kGauge,
                           "Amount of space allocated for a layout/data type"};
constexpr MetricDesc kRatio{"node_btrfs_allocation_ratio", kGauge,
                            "Data allocation ratio for a layout/data type"};
constexpr MetricDesc kDeviceSize{"node_btrfs_device_size_bytes", kGauge,
                                 "Size of a device that is part of the filesystem."};

constexpr absl::string_view kBlockGroupTypes[] = {"data", "metadata", "system"};
constexpr size_t kNumTypes = sizeof(kBlockGroupTypes) / sizeof(kBlockGroupTypes[0]);
constexpr uint64_t kSectorSize = 512;  // devices/<dev>/size is in sectors

struct Named {
  std::string name;
  uint64_t a = 0, b = 0;  // device: size; profile: total, used bytes
};
struct BlockGroupType {
  uint64_t reserved = 0;
  std::vector<Named> profiles;  // the first n_profiles are this cycle's
  size_t n_profiles = 0;
};
struct Filesystem {
  std::string uuid, label;
  uint64_t global_rsv_size = 0;
  BtrfsCommitStats commits;
  std::vector<Named> devices;  // the first n_devices are this cycle's
  size_t n_devices = 0;
  BlockGroupType types[kNumTypes];
};

class BtrfsSource : public Source {
 public:
  explicit BtrfsSource(const common::FsRoot& fs) : dir_(fs.Sys("fs/btrfs")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &fs_listing_));
    // Everything is read before anything is written: a failure reports no filesystem, as
    // node_exporter's collector fails as a whole.
    n_fs_ = 0;
    for (const absl::string_view name : fs_listing_.names) {
      if (!absl::StrContains(name, '-')) continue;  // features/: not a filesystem
      if (n_fs_ == filesystems_.size()) filesystems_.emplace_back();
      Filesystem& fs = filesystems_[n_fs_++];
      HM_RETURN_IF_ERROR(ReadFilesystem(name, &fs));
    }
    for (size_t i = 0; i < n_fs_; ++i) Write(filesystems_[i], out);
    return absl::OkStatus();
  }

 private:
  absl::Status ReadFilesystem(absl::string_view name, Filesystem* fs) {
    fs_dir_.assign(dir_);
    absl::StrAppend(&fs_dir_, "/", name);
    // Which files exist (commit_stats is Linux 6.0+): one listing instead of failed opens,
    // whose error statuses allocate.
    HM_RETURN_IF_ERROR(common::ListDir(fs_dir_, &fs_files_));

    // devices/<dev> links to each member's block device; their count sets the raid5/6 ratio.
    fs->n_devices = 0;
    if (Has("devices")) {
      path_.assign(fs_dir_);
      absl::StrAppend(&path_, "/devices");
      HM_RETURN_IF_ERROR(common::ListDir(path_, &entries_));
      for (const absl::string_view dev : entries_.names) {
        // Elements are reused from earlier cycles (strings keep their capacity); every field is
        // overwritten by the reads.
        if (fs->n_devices == fs->devices.size()) fs->devices.emplace_back();
        Named& d = fs->devices[fs->n_devices++];
        d.name.assign(dev.data(), dev.size());
        uint64_t sectors = 0;
        HM_RETURN_IF_ERROR(ReadValue({"devices", dev, "size"}, &sectors));
        d.a = kSectorSize * sectors;  // uint64 arithmetic, as procfs
      }
    }

    HM_RETURN_IF_ERROR(ReadText("label", &fs->label));
    // metadata_uuid (Linux 5.0+) is the fsid users see; older kernels: the directory's name.
    HM_RETURN_IF_ERROR(ReadText("metadata_uuid", &fs->uuid));
    if (fs->uuid.empty()) fs->uuid.assign(name.data(), name.size());
    HM_RETURN_IF_ERROR(ReadValue({"allocation", "global_rsv_size"}, &fs->global_rsv_size));

    for (size_t t = 0; t < kNumTypes; ++t) {
      BlockGroupType& type = fs->types[t];
      type.n_profiles = 0;
      const absl::string_view kind = kBlockGroupTypes[t];
      HM_RETURN_IF_ERROR(ReadValue({"allocation", kind, "bytes_reserved"}, &type.reserved));
      // The profiles in use (single, dup, raid1, ...) are the subdirectories.
      path_.assign(fs_dir_);
      absl::StrAppend(&path_, "/allocation/", kind);
      absl::Status s = common::ForEachDirEntry(path_, [&](const common::DirEntry& e) {
        if (!e.IsDirectory()) return;
        if (type.n_profiles == type.profiles.size()) type.profiles.emplace_back();
        Named& p = type.profiles[type.n_profiles++];
        p.name.assign(e.name().data(), e.name().size());
      });
      if (absl::IsNotFound(s)) continue;
      HM_RETURN_IF_ERROR(s);
      for (size_t i = 0; i < type.n_profiles; ++i) {
        Named& p = type.profiles[i];
        HM_RETURN_IF_ERROR(ReadValue({"allocation", kind, p.name, "total_bytes"}, &p.a));
        HM_RETURN_IF_ERROR(ReadValue({"allocation", kind, p.name, "used_bytes"}, &p.b));
      }
    }

    // Before Linux 6.0 there is no commit_stats: the commit series are 0, as node_exporter's.
    fs->commits = BtrfsCommitStats{};
    if (!Has("commit_stats")) return absl::OkStatus();
    path_.assign(fs_dir_);
    absl::StrAppend(&path_, "/commit_stats");
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (absl::IsNotFound(s)) return absl::OkStatus();  // unmounted since the listing
    HM_RETURN_IF_ERROR(s);
    return ParseBtrfsCommitStats(text_, path_, &fs->commits);
  }

  bool Has(absl::string_view file) const {
    return std::binary_search(fs_files_.names.begin(), fs_files_.names.end(), file);
  }

  // <fs>/<file> as procfs' SysReadFile (128 bytes, trimmed); "" when it does not exist.
  absl::Status ReadText(absl::string_view file, std::string* out) {
    out->clear();
    if (!Has(file)) return absl::OkStatus();
    path_.assign(fs_dir_);
    absl::StrAppend(&path_, "/", file);
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (absl::IsNotFound(s)) return absl::OkStatus();
    HM_RETURN_IF_ERROR(s);
    const absl::string_view v = SysfsAttributeText(text_);
    out->assign(v.data(), v.size());
    return absl::OkStatus();
  }

  // <fs>/<parts joined by '/'> as a number; 0 when it does not exist or is not a number (as
  // procfs).
  absl::Status ReadValue(std::initializer_list<absl::string_view> parts, uint64_t* out) {
    path_.assign(fs_dir_);
    for (const absl::string_view part : parts) absl::StrAppend(&path_, "/", part);
    absl::Status s = common::ReadFileTo(path_, &text_);
    *out = 0;
    if (absl::IsNotFound(s)) return absl::OkStatus();
    HM_RETURN_IF_ERROR(s);
    *out = ParseBtrfsValue(text_);
    return absl::OkStatus();
  }

  static void Write(const Filesystem& fs, SampleWriter& out) {
    const LabelRef uuid[] = {{"uuid", fs.uuid}};
    const LabelRef info[] = {{"label", fs.label}, {"uuid", fs.uuid}};
    out.Add(kInfo, info, 1);
    out.Add(kGlobalRsv, uuid, static_cast<double>(fs.global_rsv_size));
    out.Add(kCommits, uuid, static_cast<double>(fs.commits.commits));
    out.Add(kLastCommit, uuid, static_cast<double>(fs.commits.last_commit_ms) / 1000);
    out.Add(kMaxCommit, uuid, static_cast<double>(fs.commits.max_commit_ms) / 1000);
    out.Add(kCommitTotal, uuid, static_cast<double>(fs.commits.total_commit_ms) / 1000);
    for (size_t t = 0; t < kNumTypes; ++t) {
      const BlockGroupType& type = fs.types[t];
      const LabelRef type_labels[] = {{"block_group_type", kBlockGroupTypes[t]}, {"uuid", fs.uuid}};
      out.Add(kReserved, type_labels, static_cast<double>(type.reserved));
      for (size_t i = 0; i < type.n_profiles; ++i) {
        const Named& p = type.profiles[i];
        const LabelRef labels[] = {
            {"block_group_type", kBlockGroupTypes[t]}, {"mode", p.name}, {"uuid", fs.uuid}};
        out.Add(kUsed, labels, static_cast<double>(p.b));
        out.Add(kSize, labels, static_cast<double>(p.a));
        out.Add(kRatio, labels, BtrfsAllocationRatio(p.name, static_cast<int>(fs.n_devices)));
      }
    }
    for (size_t i = 0; i < fs.n_devices; ++i) {
      const LabelRef labels[] = {{"device", fs.devices[i].name}, {"uuid", fs.uuid}};
      out.Add(kDeviceSize, labels, static_cast<double>(fs.devices[i].a));
    }
  }

  const std::string dir_;
  common::DirListing fs_listing_, fs_files_, entries_;  // reused: no allocation in steady state
  std::vector<Filesystem> filesystems_;                 // the first n_fs_ are this cycle's
  size_t n_fs_ = 0;
  std::string fs_dir_, path_, text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeBtrfsSource(const SourceContext& ctx) {
  return std::make_unique<BtrfsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
