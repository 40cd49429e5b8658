// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpu_source.h"

#include <unistd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/sources/common/proc_stat_parser.h"
#include "agent/sources/cpu/cpu_sysfs_parser.h"
#include "agent/sources/cpu/cpuinfo_parser.h"
#include "agent/sources/cpufreq/cpufreq_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"
#include "re2/re2.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kCpuSeconds{"node_cpu_seconds_total", kCounter,
                                 "Seconds the CPUs spent in each mode."};
constexpr MetricDesc kCpuGuestSeconds{"node_cpu_guest_seconds_total", kCounter,
                                      "Seconds the CPUs spent in guests (VMs) for each mode."};
constexpr MetricDesc kIsolated{
    "node_cpu_isolated", kGauge,
    "Whether each core is isolated, information from /sys/devices/system/cpu/isolated."};
constexpr MetricDesc kCoreThrottles{"node_cpu_core_throttles_total", kCounter,
                                    "Number of times this CPU core has been throttled."};
constexpr MetricDesc kPackageThrottles{"node_cpu_package_throttles_total", kCounter,
                                       "Number of times this CPU package has been throttled."};
constexpr MetricDesc kInfo{"node_cpu_info", kGauge, "CPU information from /proc/cpuinfo."};
constexpr MetricDesc kFlagInfo{
    "node_cpu_flag_info", kGauge,
    "The `flags` field of CPU information from /proc/cpuinfo taken from the first core."};
constexpr MetricDesc kBugInfo{
    "node_cpu_bug_info", kGauge,
    "The `bugs` field of CPU information from /proc/cpuinfo taken from the first core."};

// /proc/cpuinfo is read again after this many collections even if the online CPUs stay the
// same, so that a microcode update loaded at run time shows (reading it costs the kernel a
// frequency sample per CPU, hence not every cycle).
constexpr int kCpuInfoRefreshCycles = 100;

// The opt-in cpu info families (node_exporter's --collector.cpu.info and its flags).
struct CpuInfoOptions {
  bool enabled = false;
  std::unique_ptr<RE2> flags_include;  // nullptr: no node_cpu_flag_info
  std::unique_ptr<RE2> bugs_include;   // nullptr: no node_cpu_bug_info
};

// One thermal_throttle counter to read each cycle: a core's (the first CPU of the core that has
// the file) or a package's (the first CPU of the package that has it), as node_exporter reads
// each core and package once.
struct Throttle {
  std::string package;
  std::string core;  // "" for a package counter
  std::string path;  // the counter file
};

class CpuSource : public Source {
 public:
  CpuSource(const common::FsRoot& fs, std::shared_ptr<CycleFile> stat_file, CpuInfoOptions info)
      : stat_file_(std::move(stat_file)),
        cpuinfo_path_(fs.Proc("cpuinfo")),
        cpu_dir_(fs.Sys("devices/system/cpu")),
        info_(std::move(info)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_ASSIGN_OR_RETURN(absl::string_view stat_text, stat_file_->Read());
    HM_RETURN_IF_ERROR(ParseProcStat(stat_text, &stat_));
    for (const CpuTimesLine& c : stat_.cpus) {
      // Same mode set and order as node_exporter's cpu collector.
      const std::pair<absl::string_view, uint64_t> modes[] = {
          {"idle", c.idle},       {"iowait", c.iowait}, {"irq", c.irq},       {"nice", c.nice},
          {"softirq", c.softirq}, {"steal", c.steal},   {"system", c.system}, {"user", c.user},
      };
      for (const auto& [mode, ticks] : modes) {
        LabelRef labels[] = {{"cpu", c.cpu}, {"mode", mode}};
        out.Add(kCpuSeconds, labels, static_cast<double>(ticks) / kUserHz);
      }
      // Guest time is also counted in user/nice (as in the kernel); node_exporter exports it as
      // is, without subtracting.
      const LabelRef guest[] = {{"cpu", c.cpu}, {"mode", "user"}};
      out.Add(kCpuGuestSeconds, guest, static_cast<double>(c.guest) / kUserHz);
      const LabelRef guest_nice[] = {{"cpu", c.cpu}, {"mode", "nice"}};
      out.Add(kCpuGuestSeconds, guest_nice, static_cast<double>(c.guest_nice) / kUserHz);
    }

    // isolcpus= is a boot parameter: node_exporter reads the list once, at start.
    if (!isolated_read_) ReadIsolated();
    for (const std::string& cpu : isolated_) {
      const LabelRef labels[] = {{"cpu", cpu}};
      out.Add(kIsolated, labels, 1);
    }

    // Topology does not change while the set of online CPUs (the cpuN lines of /proc/stat)
    // stays the same, so sysfs is walked again only when that set changes.
    const bool cpus_changed = OnlineCpusChanged();
    if (cpus_changed) ScanTopology();
    uint64_t count = 0;
    for (const Throttle& t : throttles_) {
      // A counter that cannot be read now is skipped, as node_exporter does.
      if (!common::ReadFileTo(t.path, &sys_text_).ok() || !ParseCpuSysfsUint(sys_text_, &count)) {
        continue;
      }
      if (t.core.empty()) {
        const LabelRef labels[] = {{"package", t.package}};
        out.Add(kPackageThrottles, labels, static_cast<double>(count));
      } else {
        const LabelRef labels[] = {{"core", t.core}, {"package", t.package}};
        out.Add(kCoreThrottles, labels, static_cast<double>(count));
      }
    }
    absl::Status info_status = absl::OkStatus();
    if (info_.enabled) info_status = CollectInfo(cpus_changed, out);
    return info_status.ok() ? isolated_error_ : info_status;
  }

 private:
  // node_cpu_info per CPU, and node_cpu_{flag,bug}_info of the first CPU for the flags and bugs
  // that match the include patterns (none without a pattern), as node_exporter 1.12.
  absl::Status CollectInfo(bool cpus_changed, SampleWriter& out) {
    if (cpus_changed || info_text_.empty() || ++info_age_ >= kCpuInfoRefreshCycles) {
      info_age_ = 0;
      info_entries_.clear();
      HM_RETURN_IF_ERROR(common::ReadFileTo(cpuinfo_path_, &info_text_));
      absl::Status status = ParseCpuInfo(info_text_, &info_entries_);
      if (!status.ok()) {
        info_text_.clear();  // read again next time
        return status;
      }
    }
    for (const CpuInfoEntry& c : info_entries_) {
      const LabelRef labels[] = {{"cachesize", c.cache_size},  {"core", c.core_id},
                                 {"cpu", c.processor},         {"family", c.family},
                                 {"microcode", c.microcode},   {"model", c.model},
                                 {"model_name", c.model_name}, {"package", c.physical_id},
                                 {"stepping", c.stepping},     {"vendor", c.vendor}};
      out.Add(kInfo, labels, 1);
    }
    if (info_entries_.empty()) return absl::OkStatus();
    AddFieldInfo(info_entries_[0].flags, info_.flags_include.get(), kFlagInfo, "flag", out);
    AddFieldInfo(info_entries_[0].bugs, info_.bugs_include.get(), kBugInfo, "bug", out);
    return absl::OkStatus();
  }

  static void AddFieldInfo(absl::string_view list, const RE2* include, const MetricDesc& desc,
                           absl::string_view label, SampleWriter& out) {
    if (include == nullptr) return;
    for (const absl::string_view value :
         absl::StrSplit(list, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
      if (!RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *include)) continue;
      const LabelRef labels[] = {{label, value}};
      out.Add(desc, labels, 1);
    }
  }

  // Reads /sys/devices/system/cpu/isolated once. Absent (old kernels, no sysfs): no series. A
  // bad file is reported on every collection, the other series are still exported.
  void ReadIsolated() {
    isolated_read_ = true;
    const std::string file = cpu_dir_ + "/isolated";
    std::string text;
    if (!common::ReadFileTo(file, &text).ok()) return;
    std::vector<uint32_t> ids;
    isolated_error_ = ParseCpuList(text, file, &ids);
    if (!isolated_error_.ok()) return;  // no partial list
    for (uint32_t id : ids) isolated_.push_back(absl::StrCat(id));
  }

  bool OnlineCpusChanged() {
    bool changed = !scanned_ || stat_.cpus.size() != online_.size();
    for (size_t i = 0; !changed && i < stat_.cpus.size(); ++i) {
      changed = stat_.cpus[i].cpu != online_[i];
    }
    if (!changed) return false;
    online_.clear();
    for (const CpuTimesLine& c : stat_.cpus) online_.emplace_back(c.cpu);
    return true;
  }

  // node_exporter's updateThermalThrottle over cpu[0-9]* (sorted, as its glob): a CPU without
  // readable topology is skipped; each (package, core) and each package is read from the first
  // CPU that has the counter file.
  void ScanTopology() {
    scanned_ = true;
    throttles_.clear();
    if (!common::ListDir(cpu_dir_, &entries_).ok()) return;
    std::string dir, file, text;
    for (const absl::string_view entry : entries_.names) {
      if (CpuDirNumber(entry).empty()) continue;
      dir.assign(cpu_dir_).append("/").append(entry.data(), entry.size());
      uint64_t package = 0, core = 0;
      if (!ReadUint(dir + "/topology/physical_package_id", &text, &package) ||
          !ReadUint(dir + "/topology/core_id", &text, &core)) {
        continue;
      }
      const std::string package_label = absl::StrCat(package);
      const std::string core_label = absl::StrCat(core);
      AddThrottle(package_label, core_label, dir + "/thermal_throttle/core_throttle_count");
      AddThrottle(package_label, "", dir + "/thermal_throttle/package_throttle_count");
    }
  }

  void AddThrottle(const std::string& package, const std::string& core, const std::string& path) {
    for (const Throttle& t : throttles_) {
      if (t.package == package && t.core == core) return;  // read from an earlier CPU
    }
    if (::access(path.c_str(), R_OK) != 0) return;  // AMD, VMs: no thermal_throttle
    throttles_.push_back({package, core, path});
  }

  static bool ReadUint(const std::string& path, std::string* text, uint64_t* out) {
    return ::access(path.c_str(), R_OK) == 0 && common::ReadFileTo(path, text).ok() &&
           ParseCpuSysfsUint(*text, out);
  }

  std::shared_ptr<CycleFile> stat_file_;  // /proc/stat, shared with the stat source
  std::string cpuinfo_path_;
  std::string cpu_dir_;
  const CpuInfoOptions info_;
  std::string info_text_;  // empty: read /proc/cpuinfo at the next collection
  std::vector<CpuInfoEntry> info_entries_;
  int info_age_ = 0;
  std::string sys_text_;  // reused buffer
  ProcStat stat_;         // views stat_file_'s text of this collection
  bool isolated_read_ = false;
  std::vector<std::string> isolated_;
  absl::Status isolated_error_;
  bool scanned_ = false;
  std::vector<std::string> online_;  // /proc/stat's CPUs at the last topology scan
  common::DirListing entries_;
  std::vector<Throttle> throttles_;
};

}  // namespace

const std::vector<SourceOption>& CpuOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"info", "false",
       "Export node_cpu_info from /proc/cpuinfo (true/false), as --collector.cpu.info"},
      {"info.flags-include", "",
       "Regexp (RE2) of /proc/cpuinfo flags to export as node_cpu_flag_info; sets info"},
      {"info.bugs-include", "",
       "Regexp (RE2) of /proc/cpuinfo bugs to export as node_cpu_bug_info; sets info"},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeCpuSource(const SourceContext& ctx) {
  CpuInfoOptions info;
  // Unset (a context built without the declared options) is the default, off.
  if (!ctx.Option("info").empty()) {
    HM_ASSIGN_OR_RETURN(info.enabled, ctx.Bool("info"));
  }
  HM_ASSIGN_OR_RETURN(info.flags_include, ctx.Regex("info.flags-include"));
  HM_ASSIGN_OR_RETURN(info.bugs_include, ctx.Regex("info.bugs-include"));
  // As node_exporter: an include pattern switches the info families on.
  if (info.flags_include != nullptr || info.bugs_include != nullptr) info.enabled = true;
  return std::make_unique<CpuSource>(*ctx.fs, ctx.SharedFile(ctx.fs->Proc("stat")),
                                     std::move(info));
}

}  // namespace hostmon::agent
