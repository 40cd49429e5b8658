// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filesystem/filesystem_source.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
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
#include "common/thread_name.h"
#include "re2/re2.h"

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

// One statvfs request. Shared (shared_ptr) between the collecting thread and a worker, so that a
// worker stuck in the kernel can outlive both the wait and the source. Reused round after round
// unless it gets stuck, so a healthy steady state allocates nothing.
struct StatJob {
  std::string path;  // written only while no worker holds the job
  // The fields below are guarded by the pool's mutex.
  bool queued = false;
  bool running = false;
  bool done = false;
  absl::Status status;
  FsStats stats;
};

// Worker threads and their queue. Workers are started on demand and live until the source is
// destroyed; one stuck in statvfs is replaced by a new one, so stuck calls never starve others.
struct StatPool {
  explicit StatPool(StatFsFunc f) : statfs(std::move(f)) {}

  const StatFsFunc statfs;
  absl::Mutex mu;
  std::vector<std::shared_ptr<StatJob>> queue ABSL_GUARDED_BY(mu);  // FIFO from `head`
  size_t head ABSL_GUARDED_BY(mu) = 0;
  bool shutdown ABSL_GUARDED_BY(mu) = false;

  static bool HasWork(StatPool* p) ABSL_NO_THREAD_SAFETY_ANALYSIS {  // called with mu held
    return p->shutdown || p->head < p->queue.size();
  }

  static void Work(std::shared_ptr<StatPool> pool) {
    common::SetThreadName("hm-statvfs");
    absl::MutexLock lock(&pool->mu);
    while (true) {
      pool->mu.Await(absl::Condition(&HasWork, pool.get()));
      if (pool->shutdown) return;
      std::shared_ptr<StatJob> job = std::move(pool->queue[pool->head++]);
      job->queued = false;
      job->running = true;
      pool->mu.Unlock();
      FsStats stats;
      absl::Status status = pool->statfs(job->path, &stats);
      pool->mu.Lock();
      job->status = std::move(status);
      job->stats = stats;
      job->running = false;
      job->done = true;
    }
  }
};

// Unanchored, as Go's MatchString in node_exporter. An empty pattern (nullptr) matches every
// name, as Go's empty regexp does: node_exporter then excludes everything, and so does this.
bool Matches(const RE2* re, absl::string_view text) {
  return re == nullptr || RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re);
}

// node_exporter's rootfsStripPrefix: mount points are reported relative to --path.rootfs.
absl::string_view StripRootfs(absl::string_view mount_point, absl::string_view rootfs) {
  if (rootfs == "/") return mount_point;
  if (absl::StartsWith(mount_point, rootfs)) mount_point.remove_prefix(rootfs.size());
  return mount_point.empty() ? absl::string_view("/") : mount_point;
}

// Workers kept ready beyond the stuck ones. statvfs is normally microseconds, so one worker
// serves a whole round (an idle thread less in every agent). When a call has not returned after
// kMoreWorkersAfter (at most half the mount timeout) while others wait in the queue, the round
// gets up to kMaxSpareWorkers, so a hung mount never makes the others time out. The round waits
// for the slow call anyway (up to the timeout), so the threshold adds no round time; a high one
// keeps a loaded machine (a worker not scheduled for some milliseconds) from starting a thread it
// does not need.
constexpr int kSpareWorkers = 1;
constexpr int kMaxSpareWorkers = 2;
constexpr absl::Duration kMoreWorkersAfter = absl::Milliseconds(100);

class FilesystemSource : public Source {
 public:
  FilesystemSource(const common::FsRoot& fs, std::unique_ptr<RE2> mount_points_exclude,
                   std::unique_ptr<RE2> fs_types_exclude, absl::Duration timeout, StatFsFunc statfs)
      : fs_(fs),
        mounts_path_(fs.Proc("1/mounts")),
        fallback_path_(fs.Proc("mounts")),
        mount_points_exclude_(std::move(mount_points_exclude)),
        fs_types_exclude_(std::move(fs_types_exclude)),
        timeout_(timeout),
        pool_(std::make_shared<StatPool>(std::move(statfs))) {}

  ~FilesystemSource() override {
    // Idle workers exit now; a stuck one exits when its call returns (it owns the pool).
    absl::MutexLock lock(&pool_->mu);
    pool_->shutdown = true;
  }

  absl::Status Collect(SampleWriter& out) override {
    absl::Status read = common::ReadFileTo(mounts_path_, &text_);
    // As node_exporter: /proc/1/mounts can be hidden (hidepid); fall back to our own view.
    if (absl::IsNotFound(read)) read = common::ReadFileTo(fallback_path_, &text_);
    HM_RETURN_IF_ERROR(read);
    HM_RETURN_IF_ERROR(ParseMounts(text_, &mounts_));

    Select();
    const absl::Time deadline = absl::Now() + timeout_;
    Enqueue();
    {
      absl::MutexLock lock(&pool_->mu);
      const absl::Condition all_done(this, &FilesystemSource::AllDone);
      const absl::Time more_workers_at = absl::Now() + std::min(kMoreWorkersAfter, timeout_ / 2);
      if (!pool_->mu.AwaitWithDeadline(all_done, more_workers_at)) {
        while (pool_->head < pool_->queue.size() && UnstuckWorkers() < kMaxSpareWorkers &&
               StartWorker()) {
        }
        pool_->mu.AwaitWithDeadline(all_done, deadline);
      }
      AbandonLateJobs();
    }
    Emit(out);
    return absl::OkStatus();
  }

 private:
  struct Pending {
    const MountEntry* mount;
    absl::string_view mount_point;  // relative to rootfs: the label and the stuck-map key
    StatJob* job;                   // null: stuck from an earlier round, not called again
    bool timed_out;
  };

  bool Excluded(const MountEntry& m, absl::string_view mp) {
    // RE2 builds its DFA lazily, which can allocate; mount points and fs types repeat, so decide
    // each only once.
    auto by_mp = mount_point_excluded_.find(mp);
    if (by_mp == mount_point_excluded_.end()) {
      by_mp =
          mount_point_excluded_.emplace(std::string(mp), Matches(mount_points_exclude_.get(), mp))
              .first;
    }
    if (by_mp->second) return true;
    auto by_type = fs_type_excluded_.find(m.fs_type);
    if (by_type == fs_type_excluded_.end()) {
      by_type = fs_type_excluded_
                    .emplace(std::string(m.fs_type), Matches(fs_types_exclude_.get(), m.fs_type))
                    .first;
    }
    return by_type->second;
  }

  // Applies the exclusions and node_exporter's de-duplication of identical label sets.
  void Select() {
    pending_.clear();
    for (const MountEntry& m : mounts_) {
      const absl::string_view mp = StripRootfs(m.mount_point, fs_.rootfs());
      if (Excluded(m, mp)) continue;
      bool seen = false;
      for (const Pending& p : pending_) {
        if (p.mount_point == mp && p.mount->device == m.device && p.mount->fs_type == m.fs_type) {
          seen = true;
          break;
        }
      }
      if (!seen) pending_.push_back(Pending{&m, mp, nullptr, false});
    }
  }

  // Queues one job per mount point, except where an earlier call is still stuck, and makes
  // sure enough unstuck workers exist.
  void Enqueue() {
    size_t used_jobs = 0;
    absl::MutexLock lock(&pool_->mu);
    for (size_t i = 0; i < pending_.size(); ++i) {
      Pending& p = pending_[i];
      auto stuck = stuck_.find(p.mount_point);
      if (stuck != stuck_.end()) {
        if (!stuck->second->done) continue;
        common::log::Info("filesystem: mount point has recovered, monitoring resumes",
                          common::log::Kv("mountpoint", p.mount_point));
        stuck_.erase(stuck);
      }
      // Mounts stacked on one mount point share one call: statvfs sees only the top one anyway.
      for (size_t j = 0; j < i && p.job == nullptr; ++j) {
        if (pending_[j].mount_point == p.mount_point) p.job = pending_[j].job;
      }
      if (p.job != nullptr) continue;
      if (used_jobs == jobs_.size()) jobs_.push_back(std::make_shared<StatJob>());
      std::shared_ptr<StatJob>& job = jobs_[used_jobs++];
      // FsRoot::Root's join, into the job's reused buffer: <rootfs>/<mount point>.
      job->path.assign(fs_.rootfs());
      if (job->path.empty() || job->path.back() != '/') job->path.push_back('/');
      absl::string_view rel = p.mount->mount_point;
      while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
      job->path.append(rel.data(), rel.size());
      job->done = false;
      job->queued = true;
      job->status = absl::OkStatus();
      p.job = job.get();
      if (pool_->queue.size() == pool_->head) {  // drained: reuse the vector from the start
        pool_->queue.clear();
        pool_->head = 0;
      }
      pool_->queue.push_back(job);
    }
    while (UnstuckWorkers() < kSpareWorkers && StartWorker()) {
    }
  }

  // Idle workers plus the ones busy on healthy calls; a stuck call holds its worker for good.
  int UnstuckWorkers() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_->mu) {
    int stuck_calls = 0;
    for (const auto& [mount_point, job] : stuck_) {
      if (job->running) ++stuck_calls;
    }
    return workers_ - stuck_calls;
  }

  bool StartWorker() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_->mu) {
    // std::thread reports failure by exception; confined here. Without a new worker the queued
    // jobs are served by the existing ones or time out as device errors.
    try {
      std::thread(&StatPool::Work, pool_).detach();
      ++workers_;
      return true;
    } catch (const std::system_error& e) {
      common::log::Warn("filesystem: cannot start a statvfs worker",
                        common::log::Kv("err", e.what()));
      return false;
    }
  }

  bool AllDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_->mu) {
    for (const Pending& p : pending_) {
      if (p.job != nullptr && !p.job->done) return false;
    }
    return true;
  }

  // At the deadline: a running call is stuck (kept, never re-queued while it runs); a job still
  // queued only waited behind stuck calls, so it is withdrawn and reported as an error this round.
  void AbandonLateJobs() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_->mu) {
    for (size_t i = 0; i < jobs_.size(); ++i) {
      std::shared_ptr<StatJob>& job = jobs_[i];
      if (job->done || (!job->queued && !job->running)) continue;
      for (Pending& p : pending_) {
        if (p.job == job.get()) p.timed_out = true;
      }
      if (job->queued) {
        for (size_t q = pool_->head; q < pool_->queue.size(); ++q) {
          if (pool_->queue[q] == job) pool_->queue.erase(pool_->queue.begin() + q);
        }
        job->queued = false;
        continue;
      }
      for (const Pending& p : pending_) {
        if (p.job != job.get() || stuck_.find(p.mount_point) != stuck_.end()) continue;
        common::log::Warn(
            "filesystem: statvfs timed out, mount point will not be stat'ed until the call "
            "returns",
            absl::StrCat(common::log::Kv("mountpoint", p.mount_point),
                         common::log::Kv("timeout", absl::FormatDuration(timeout_))));
        stuck_.emplace(std::string(p.mount_point), job);
      }
      job = std::make_shared<StatJob>();  // the stuck worker keeps the old one
    }
  }

  void Emit(SampleWriter& out) {
    for (Pending& p : pending_) {
      LabelRef labels[] = {
          {"device", p.mount->device}, {"fstype", p.mount->fs_type}, {"mountpoint", p.mount_point}};
      bool ok = false;
      FsStats stats;
      if (p.job != nullptr && !p.timed_out) {
        absl::MutexLock lock(&pool_->mu);
        if (p.job->status.ok()) {
          ok = true;
          stats = p.job->stats;
        } else if (common::log::Enabled(common::log::Level::kDebug)) {
          common::log::Debug("filesystem: statvfs failed",
                             absl::StrCat(common::log::Kv("mountpoint", p.mount_point),
                                          common::log::Kv("err", p.job->status.message())));
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
  std::unique_ptr<RE2> mount_points_exclude_;
  std::unique_ptr<RE2> fs_types_exclude_;
  absl::Duration timeout_;
  std::shared_ptr<StatPool> pool_;
  int workers_ = 0;  // started; each either idle, busy on a healthy call, or stuck

  std::string text_;  // reused buffers: no allocation per collection in steady state
  std::vector<MountEntry> mounts_;
  std::vector<Pending> pending_;
  std::vector<std::shared_ptr<StatJob>> jobs_;
  absl::flat_hash_map<std::string, bool> mount_point_excluded_;
  absl::flat_hash_map<std::string, bool> fs_type_excluded_;
  // Mount point -> its call that did not return in time. At most one stuck call per mount point.
  absl::flat_hash_map<std::string, std::shared_ptr<StatJob>> stuck_;
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
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> mount_points, ctx.Regex("mount-points-exclude"));
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> fs_types, ctx.Regex("fs-types-exclude"));
  HM_ASSIGN_OR_RETURN(absl::Duration timeout, ctx.Duration("mount-timeout"));
  return std::make_unique<FilesystemSource>(*ctx.fs, std::move(mount_points), std::move(fs_types),
                                            timeout, std::move(statfs));
}

}  // namespace hostmon::agent
