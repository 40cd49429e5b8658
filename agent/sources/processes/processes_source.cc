// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/processes/processes_source.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "agent/sources/common/pid_stat_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kThreads{"node_processes_threads", kGauge, "Allocated threads in system"};
constexpr MetricDesc kMaxThreads{"node_processes_max_threads", kGauge,
                                 "Limit of threads in the system"};
constexpr MetricDesc kState{"node_processes_state", kGauge, "Number of processes in each state."};
constexpr MetricDesc kThreadsState{"node_processes_threads_state", kGauge,
                                   "Number of threads in each state."};
constexpr MetricDesc kPids{"node_processes_pids", kGauge, "Number of PIDs"};
constexpr MetricDesc kMaxProcesses{"node_processes_max_processes", kGauge,
                                   "Number of max PIDs limit"};

bool IsPid(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A 1-character label value for each possible state byte, so that labels can view static
// storage instead of a buffer.
const std::array<char, 256>& StateChars() {
  static const std::array<char, 256> chars = [] {
    std::array<char, 256> c{};
    for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<char>(i);
    return c;
  }();
  return chars;
}

// Processes and threads vanish between listing and reading their stat (ENOENT), and a task
// directory of a just-exited process can fail with ESRCH: both are NotFound and mean "skip it",
// as in node_exporter.
bool Vanished(const absl::Status& status) { return absl::IsNotFound(status); }

class ProcessesSource : public Source {
 public:
  explicit ProcessesSource(const common::FsRoot& fs)
      : proc_(fs.procfs()),
        pid_max_path_(fs.Proc("sys/kernel/pid_max")),
        threads_max_path_(fs.Proc("sys/kernel/threads-max")) {}

  absl::Status Collect(SampleWriter& out) override {
    // The limits first: without them (no procfs) this is NotFound before any scanning.
    uint64_t pid_max = 0, threads_max = 0;
    HM_RETURN_IF_ERROR(common::ReadFileTo(pid_max_path_, &text_));
    HM_RETURN_IF_ERROR(common::ParseUint64File(text_, pid_max_path_, &pid_max));
    HM_RETURN_IF_ERROR(common::ReadFileTo(threads_max_path_, &text_));
    HM_RETURN_IF_ERROR(common::ParseUint64File(text_, threads_max_path_, &threads_max));

    proc_states_.fill(0);
    thread_states_.fill(0);
    uint64_t pids = 0, threads = 0;
    HM_RETURN_IF_ERROR(common::ForEachDirEntry(proc_, [&](const common::DirEntry& e) {
      return IsPid(e.name()) ? CollectPid(e.name(), &pids, &threads) : absl::OkStatus();
    }));

    const std::array<char, 256>& chars = StateChars();
    out.Add(kThreads, {}, static_cast<double>(threads));
    out.Add(kMaxThreads, {}, static_cast<double>(threads_max));
    for (size_t c = 0; c < proc_states_.size(); ++c) {
      if (proc_states_[c] == 0) continue;
      const LabelRef labels[] = {{"state", absl::string_view(&chars[c], 1)}};
      out.Add(kState, labels, static_cast<double>(proc_states_[c]));
    }
    for (size_t c = 0; c < thread_states_.size(); ++c) {
      if (thread_states_[c] == 0) continue;
      const LabelRef labels[] = {{"thread_state", absl::string_view(&chars[c], 1)}};
      out.Add(kThreadsState, labels, static_cast<double>(thread_states_[c]));
    }
    out.Add(kPids, {}, static_cast<double>(pids));
    out.Add(kMaxProcesses, {}, static_cast<double>(pid_max));
    return absl::OkStatus();
  }

 private:
  absl::Status CollectPid(absl::string_view pid, uint64_t* pids, uint64_t* threads) {
    path_.assign(proc_).append("/").append(pid.data(), pid.size()).append("/stat");
    absl::Status status = common::ReadFileTo(path_, &text_);
    if (Vanished(status)) return absl::OkStatus();
    HM_RETURN_IF_ERROR(status);
    PidStat stat;
    HM_RETURN_IF_ERROR(ParsePidStat(text_, path_, &stat));
    ++*pids;
    ++proc_states_[static_cast<unsigned char>(stat.state)];
    *threads += stat.num_threads;

    task_dir_.assign(proc_).append("/").append(pid.data(), pid.size()).append("/task");
    status = common::ForEachDirEntry(task_dir_, [&](const common::DirEntry& e) {
      if (!IsPid(e.name())) return absl::OkStatus();
      // The main thread's state is the process's, already read.
      if (e.name() == pid) {
        ++thread_states_[static_cast<unsigned char>(stat.state)];
        return absl::OkStatus();
      }
      path_.assign(task_dir_).append("/").append(e.name().data(), e.name().size()).append("/stat");
      absl::Status read = common::ReadFileTo(path_, &text_);
      if (Vanished(read)) return absl::OkStatus();
      HM_RETURN_IF_ERROR(read);
      PidStat thread;
      HM_RETURN_IF_ERROR(ParsePidStat(text_, path_, &thread));
      ++thread_states_[static_cast<unsigned char>(thread.state)];
      return absl::OkStatus();
    });
    return Vanished(status) ? absl::OkStatus() : status;
  }

  std::string proc_;
  std::string pid_max_path_, threads_max_path_;
  // Reused across collections so that a steady state allocates nothing.
  std::string path_, task_dir_, text_;
  std::array<uint64_t, 256> proc_states_{}, thread_states_{};
};

}  // namespace

absl::StatusOr<SourcePtr> MakeProcessesSource(const SourceContext& ctx) {
  return std::make_unique<ProcessesSource>(*ctx.fs);
}

}  // namespace hostmon::agent
