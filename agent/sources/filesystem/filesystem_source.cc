// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filesystem/filesystem_source.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "agent/sources/filesystem/filesystem_parser.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr char kMountPointsExclude[] =
    "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
constexpr char kFsTypesExclude[] =
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
    "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
    "erofs|sysfs|tracefs)$";
constexpr char kMountTimeout[] = "5s";

constexpr MetricDesc kSize{"node_filesystem_size_bytes", kGauge, "Filesystem size in bytes."};
constexpr MetricDesc kFree{"node_filesystem_free_bytes", kGauge, "Filesystem free space in bytes."};
constexpr MetricDesc kAvail{"node_filesystem_avail_bytes", kGauge,
                            "Filesystem space available to non-root users in bytes."};
constexpr MetricDesc kFiles{"node_filesystem_files", kGauge, "Filesystem total file nodes."};
constexpr MetricDesc kFilesFree{"node_filesystem_files_free", kGauge,
                                "Filesystem total free file nodes."};
constexpr MetricDesc kReadOnly{"node_filesystem_readonly", kGauge, "Filesystem read-only status."};
constexpr MetricDesc kDeviceError{
    "node_filesystem_device_error", kGauge,
    "Whether an error occurred while getting statistics for the given device."};

// One statvfs call, shared by the collecting thread and the worker so that a worker stuck in
// the kernel can outlive both the wait and the source.
struct StatCall {
  absl::Mutex mu;
  bool done ABSL_GUARDED_BY(mu) = false;
  absl::Status status ABSL_GUARDED_BY(mu);
  FsStats stats ABSL_GUARDED_BY(mu);
};

std::string OptionOr(const SourceContext& ctx, const std::string& name, const char* fallback) {
  if (ctx.options == nullptr || ctx.options->find(name) == ctx.options->end()) return fallback;
  return ctx.Option(name);
}

absl::StatusOr<std::regex> CompileOption(const std::string& name, const std::string& pattern) {
  // std::regex reports bad patterns by exception; the agent is otherwise exception-free, so the
  // throw is confined to this one construction-time call.
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("filesystem option ", name, ": invalid regex \"", pattern, "\": ", e.what()));
  }
}

// node_exporter's rootfsStripPrefix: mount points are reported relative to --path.rootfs.
absl::string_view StripRootfs(absl::string_view mount_point, absl::string_view rootfs) {
  if (rootfs == "/") return mount_point;
  if (absl::StartsWith(mount_point, rootfs)) mount_point.remove_prefix(rootfs.size());
  return mount_point.empty() ? absl::string_view("/") : mount_point;
}

class FilesystemSource : public Source {
 public:
  FilesystemSource(const common::FsRoot& fs, std::regex mount_points_exclude,
                   std::regex fs_types_exclude, absl::Duration timeout, StatFsFunc statfs)
      : fs_(fs),
        mounts_path_(fs.Proc("1/mounts")),
        fallback_path_(fs.Proc("mounts")),
        mount_points_exclude_(std::move(mount_points_exclude)),
        fs_types_exclude_(std::move(fs_types_exclude)),
        timeout_(timeout),
        statfs_(std::move(statfs)) {}

  absl::Status Collect(SampleWriter& out) override {
    absl::Status read = common::ReadFileTo(mounts_path_, &text_);
    // As node_exporter: /proc/1/mounts can be hidden (hidepid); fall back to our own view.
    if (absl::IsNotFound(read)) read = common::ReadFileTo(fallback_path_, &text_);
    HM_RETURN_IF_ERROR(read);
    HM_RETURN_IF_ERROR(ParseMounts(text_, &mounts_));

    Select();
    const absl::Time deadline = absl::Now() + timeout_;
    StartCalls();
    for (Pending& p : pending_) {
      if (p.call == nullptr) continue;
      absl::MutexLock lock(&p.call->mu);
      p.call->mu.AwaitWithDeadline(absl::Condition(&p.call->done), deadline);
    }
    Emit(out);
    return absl::OkStatus();
  }

 private:
  struct Pending {
    const MountEntry* mount;
    absl::string_view mount_point;   // relative to rootfs: the label and the stuck-map key
    std::shared_ptr<StatCall> call;  // null: stuck from an earlier round, not called again
  };

  // Applies the exclusions and node_exporter's de-duplication of identical label sets.
  void Select() {
    pending_.clear();
    for (const MountEntry& m : mounts_) {
      const absl::string_view mp = StripRootfs(m.mount_point, fs_.rootfs());
      if (std::regex_search(mp.begin(), mp.end(), mount_points_exclude_)) continue;
      if (std::regex_search(m.fs_type.begin(), m.fs_type.end(), fs_types_exclude_)) continue;
      bool seen = false;
      for (const Pending& p : pending_) {
        if (p.mount_point == mp && p.mount->device == m.device && p.mount->fs_type == m.fs_type) {
          seen = true;
          break;
        }
      }
      if (!seen) pending_.push_back(Pending{&m, mp, nullptr});
    }
  }

  // Starts one worker per mount point, except where an earlier call is still stuck.
  void StartCalls() {
    for (size_t i = 0; i < pending_.size(); ++i) {
      Pending& p = pending_[i];
      auto stuck = stuck_.find(p.mount_point);
      if (stuck != stuck_.end()) {
        bool done;
        {
          absl::MutexLock lock(&stuck->second->mu);
          done = stuck->second->done;
        }
        if (!done) continue;
        common::log::Info("filesystem: mount point has recovered, monitoring resumes",
                          common::log::Kv("mountpoint", p.mount_point));
        stuck_.erase(stuck);
      }
      // Mounts stacked on one mount point share one call: statvfs sees only the top one anyway.
      for (size_t j = 0; j < i; ++j) {
        if (pending_[j].mount_point == p.mount_point && pending_[j].call != nullptr) {
          p.call = pending_[j].call;
          break;
        }
      }
      if (p.call != nullptr) continue;
      p.call = std::make_shared<StatCall>();
      // Detached: a statvfs stuck on a dead NFS server cannot be cancelled; the thread holds
      // its own references, so it may safely finish after this source is destroyed.
      std::thread([call = p.call, statfs = statfs_, path = fs_.Root(p.mount->mount_point)] {
        FsStats stats;
        absl::Status status = statfs(path, &stats);
        absl::MutexLock lock(&call->mu);
        call->status = std::move(status);
        call->stats = stats;
        call->done = true;
      }).detach();
    }
  }

  void Emit(SampleWriter& out) {
    for (Pending& p : pending_) {
      LabelRef labels[] = {
          {"device", p.mount->device}, {"fstype", p.mount->fs_type}, {"mountpoint", p.mount_point}};
      bool ok = false;
      FsStats stats;
      if (p.call != nullptr) {
        absl::MutexLock lock(&p.call->mu);
        if (!p.call->done) {
          if (stuck_.find(p.mount_point) == stuck_.end()) {
            common::log::Warn(
                "filesystem: statvfs timed out, mount point will not be stat'ed until the call "
                "returns",
                absl::StrCat(common::log::Kv("mountpoint", p.mount_point),
                             common::log::Kv("timeout", absl::FormatDuration(timeout_))));
            stuck_.emplace(std::string(p.mount_point), p.call);
          }
        } else if (!p.call->status.ok()) {
          common::log::Debug("filesystem: statvfs failed",
                             absl::StrCat(common::log::Kv("mountpoint", p.mount_point),
                                          common::log::Kv("err", p.call->status.message())));
        } else {
          ok = true;
          stats = p.call->stats;
        }
      }
      out.Add(kDeviceError, labels, ok ? 0 : 1);
      if (!ok) continue;
      const double bsize = static_cast<double>(stats.bsize);
      out.Add(kSize, labels, static_cast<double>(stats.blocks) * bsize);
      out.Add(kFree, labels, static_cast<double>(stats.bfree) * bsize);
      out.Add(kAvail, labels, static_cast<double>(stats.bavail) * bsize);
      out.Add(kFiles, labels, static_cast<double>(stats.files));
      out.Add(kFilesFree, labels, static_cast<double>(stats.ffree));
      out.Add(kReadOnly, labels, MountIsReadOnly(p.mount->options) ? 1 : 0);
    }
  }

  common::FsRoot fs_;
  std::string mounts_path_;
  std::string fallback_path_;
  std::regex mount_points_exclude_;
  std::regex fs_types_exclude_;
  absl::Duration timeout_;
  StatFsFunc statfs_;

  std::string text_;
  std::vector<MountEntry> mounts_;
  std::vector<Pending> pending_;
  // Mount point -> its call that did not return in time. At most one stuck call per mount point.
  absl::flat_hash_map<std::string, std::shared_ptr<StatCall>> stuck_;
};

}  // namespace

absl::Status RealStatFs(const std::string& path, FsStats* out) {
  struct statvfs buf;
  if (::statvfs(path.c_str(), &buf) != 0) {
    const int err = errno;
    return absl::UnavailableError(absl::StrCat("statvfs ", path, ": ", std::strerror(err)));
  }
  // glibc fills f_bsize from statfs' f_bsize, which is what node_exporter multiplies by.
  out->blocks = buf.f_blocks;
  out->bfree = buf.f_bfree;
  out->bavail = buf.f_bavail;
  out->bsize = buf.f_bsize;
  out->files = buf.f_files;
  out->ffree = buf.f_ffree;
  return absl::OkStatus();
}

const std::vector<SourceOption>& FilesystemOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"fs-types-exclude", kFsTypesExclude, "Regexp of filesystem types to exclude"},
      {"mount-points-exclude", kMountPointsExclude, "Regexp of mount points to exclude"},
      {"mount-timeout", kMountTimeout,
       "How long to wait for a mount to respond before marking it as stale"},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeFilesystemSource(const SourceContext& ctx) {
  return MakeFilesystemSourceWithStatFs(ctx, RealStatFs);
}

absl::StatusOr<SourcePtr> MakeFilesystemSourceWithStatFs(const SourceContext& ctx,
                                                         StatFsFunc statfs) {
  HM_ASSIGN_OR_RETURN(std::regex mount_points,
                      CompileOption("mount-points-exclude",
                                    OptionOr(ctx, "mount-points-exclude", kMountPointsExclude)));
  HM_ASSIGN_OR_RETURN(
      std::regex fs_types,
      CompileOption("fs-types-exclude", OptionOr(ctx, "fs-types-exclude", kFsTypesExclude)));
  const std::string timeout_text = OptionOr(ctx, "mount-timeout", kMountTimeout);
  absl::Duration timeout;
  if (!absl::ParseDuration(timeout_text, &timeout) || timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filesystem option mount-timeout: want a positive duration like \"5s\", got \"",
        timeout_text, "\""));
  }
  return std::make_unique<FilesystemSource>(*ctx.fs, std::move(mount_points), std::move(fs_types),
                                            timeout, std::move(statfs));
}

}  // namespace hostmon::agent
