// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/process/process_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <utility>

#include "agent/sources/common/pid_stat_parser.h"
#include "agent/sources/common/proc_stat_parser.h"
#include "agent/sources/process/limits_parser.h"
#include "common/dir_entries.h"
#include "common/fs_magic.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kCpu{"process_cpu_seconds_total", kCounter,
                          "Total user and system CPU time spent in seconds."};
constexpr MetricDesc kOpenFds{"process_open_fds", kGauge, "Number of open file descriptors."};
constexpr MetricDesc kMaxFds{"process_max_fds", kGauge, "Maximum number of open file descriptors."};
constexpr MetricDesc kVsize{"process_virtual_memory_bytes", kGauge,
                            "Virtual memory size in bytes."};
constexpr MetricDesc kVsizeMax{"process_virtual_memory_max_bytes", kGauge,
                               "Maximum amount of virtual memory available in bytes."};
constexpr MetricDesc kRss{"process_resident_memory_bytes", kGauge,
                          "Resident memory size in bytes."};
constexpr MetricDesc kStart{"process_start_time_seconds", kGauge,
                            "Start time of the process since unix epoch in seconds."};

class ProcessSource : public Source {
 public:
  ProcessSource(const common::FsRoot& fs, std::shared_ptr<CycleFile> proc_stat)
      : stat_path_(fs.Proc("self/stat")),
        limits_path_(fs.Proc("self/limits")),
        fd_dir_(fs.Proc("self/fd")),
        proc_stat_(std::move(proc_stat)),
        page_size_(static_cast<double>(::sysconf(_SC_PAGESIZE))) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(stat_path_, &text_));
    PidStat stat;
    HM_RETURN_IF_ERROR(ParsePidStat(text_, stat_path_, &stat));
    if (!stat.has_resources) {
      return absl::InvalidArgumentError(stat_path_ + ": too few fields for CPU and memory");
    }
    HM_RETURN_IF_ERROR(common::ReadFileTo(limits_path_, &text_));
    ProcessLimits limits;
    HM_RETURN_IF_ERROR(ParseProcessLimits(text_, &limits));
    HM_ASSIGN_OR_RETURN(const size_t fds, OpenFds());
    if (boot_time_ < 0) {
      // Boot time does not change while we run: read it once (in the first collection, from the
      // read the cpu and stat sources share).
      HM_ASSIGN_OR_RETURN(absl::string_view proc_stat_text, proc_stat_->Read());
      ProcStat proc_stat;
      HM_RETURN_IF_ERROR(ParseProcStat(proc_stat_text, &proc_stat));
      if (!proc_stat.has_btime) {
        return absl::InvalidArgumentError(proc_stat_->path() + ": no btime");
      }
      boot_time_ = static_cast<double>(proc_stat.btime);
    }
    out.Add(kCpu, {}, static_cast<double>(stat.utime_ticks + stat.stime_ticks) / kUserHz);
    out.Add(kOpenFds, {}, static_cast<double>(fds));
    out.Add(kMaxFds, {}, static_cast<double>(limits.max_open_files));
    out.Add(kVsize, {}, static_cast<double>(stat.vsize_bytes));
    out.Add(kVsizeMax, {}, static_cast<double>(limits.max_address_space));
    out.Add(kRss, {}, static_cast<double>(stat.rss_pages) * page_size_);
    out.Add(kStart, {}, boot_time_ + static_cast<double>(stat.starttime_ticks) / kUserHz);
    return absl::OkStatus();
  }

 private:
  // The number of open descriptors. Since Linux 6.2 the size of a procfs /proc/PID/fd is that
  // number (fs/proc/fd.c, proc_fd_getattr): one stat(2) instead of a listing, whose cost grows
  // with every descriptor (each entry is looked up in the dentry cache). The same fast path and
  // fallback as node_exporter's procfs library (FileDescriptorsLen); the listing is what older
  // kernels and a tree that is not procfs (tests) get.
  absl::StatusOr<size_t> OpenFds() {
    if (size_from_stat_ != 0) {
      struct stat st;
      if (::stat(fd_dir_.c_str(), &st) == 0 && st.st_size > 0) {
        if (size_from_stat_ < 0) size_from_stat_ = common::OnProcfs(fd_dir_) ? 1 : 0;
        if (size_from_stat_ == 1) return static_cast<size_t>(st.st_size);
      } else {
        size_from_stat_ = 0;
      }
    }
    size_t fds = 0;
    HM_RETURN_IF_ERROR(common::ForEachDirEntry(fd_dir_, [&](const common::DirEntry&) { ++fds; }));
    return fds;
  }

  std::string stat_path_, limits_path_, fd_dir_;
  int size_from_stat_ = -1;  // -1: not known yet; 0: list the directory; 1: stat's size
  std::shared_ptr<CycleFile> proc_stat_;
  double page_size_;
  double boot_time_ = -1;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeProcessSource(const SourceContext& ctx) {
  return std::make_unique<ProcessSource>(*ctx.fs, ctx.SharedFile(ctx.fs->Proc("stat")));
}

}  // namespace hostmon::agent
