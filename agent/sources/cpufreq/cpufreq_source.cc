// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpufreq/cpufreq_source.h"

#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/sources/cpufreq/cpufreq_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kFreq{"node_cpu_frequency_hertz", kGauge,
                           "Current cpu thread frequency in hertz."};
constexpr MetricDesc kFreqMin{"node_cpu_frequency_min_hertz", kGauge,
                              "Minimum cpu thread frequency in hertz."};
constexpr MetricDesc kFreqMax{"node_cpu_frequency_max_hertz", kGauge,
                              "Maximum cpu thread frequency in hertz."};
constexpr MetricDesc kScaling{"node_cpu_scaling_frequency_hertz", kGauge,
                              "Current scaled CPU thread frequency in hertz."};
constexpr MetricDesc kScalingMin{"node_cpu_scaling_frequency_min_hertz", kGauge,
                                 "Minimum scaled CPU thread frequency in hertz."};
constexpr MetricDesc kScalingMax{"node_cpu_scaling_frequency_max_hertz", kGauge,
                                 "Maximum scaled CPU thread frequency in hertz."};
constexpr MetricDesc kGovernor{"node_cpu_scaling_governor", kGauge,
                               "Current enabled CPU frequency governor."};

struct FreqFile {
  const char* name;
  const MetricDesc* desc;
};

// cpuinfo_cur_freq is readable by root only, so it is often absent for the agent.
constexpr FreqFile kFiles[] = {
    {"cpuinfo_cur_freq", &kFreq},       {"cpuinfo_min_freq", &kFreqMin},
    {"cpuinfo_max_freq", &kFreqMax},    {"scaling_cur_freq", &kScaling},
    {"scaling_min_freq", &kScalingMin}, {"scaling_max_freq", &kScalingMax},
};

class CpufreqSource : public Source {
 public:
  explicit CpufreqSource(const common::FsRoot& fs) : dir_(fs.Sys("devices/system/cpu")) {}

  absl::Status Collect(SampleWriter& out) override {
    // Sorted by name, as node_exporter's glob of cpu[0-9]*.
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &entries_));

    size_t with_cpufreq = 0;
    for (const absl::string_view entry : entries_.names) {
      const absl::string_view cpu = CpuDirNumber(entry);
      if (cpu.empty()) continue;
      // A CPU without a cpufreq directory (every CPU of most VMs) costs one check, not one per
      // file.
      path_.assign(dir_).append("/").append(entry.data(), entry.size()).append("/cpufreq");
      if (access(path_.c_str(), F_OK) != 0) continue;
      const LabelRef labels[] = {{"cpu", cpu}};
      bool any = false;
      for (const FreqFile& f : kFiles) {
        path_.assign(dir_).append("/");
        path_.append(entry.data(), entry.size()).append("/cpufreq/").append(f.name);
        // Absent files (and cpuinfo_cur_freq, which only root may read) are skipped, as by
        // node_exporter. Checked with access(2) first because building the error Status of a
        // failed open would allocate on every collection.
        if (access(path_.c_str(), R_OK) != 0) continue;
        HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
        uint64_t khz = 0;
        HM_RETURN_IF_ERROR(common::ParseUint64File(text_, path_, &khz));
        any = true;
        out.Add(*f.desc, labels, static_cast<double>(khz) * 1000.0);
      }
      if (any) ++with_cpufreq;
      CollectGovernor(entry, cpu, out);
    }
    if (with_cpufreq == 0) {
      return absl::NotFoundError(absl::StrCat("no cpufreq files under ", dir_, "/cpu*/cpufreq"));
    }
    return absl::OkStatus();
  }

 private:
  // node_exporter 1.12's node_cpu_scaling_governor: one series per available governor, 1 for
  // the one in use. Both files are read every cycle: the governor is switched at run time.
  void CollectGovernor(absl::string_view entry, absl::string_view cpu, SampleWriter& out) {
    if (!ReadCpufreqString(entry, "scaling_governor", &governor_)) return;
    const absl::string_view governor = absl::StripAsciiWhitespace(governor_);
    if (governor.empty()) return;
    if (!ReadCpufreqString(entry, "scaling_available_governors", &text_)) text_.clear();
    for (const absl::string_view available :
         absl::StrSplit(absl::StripAsciiWhitespace(text_), ' ', absl::SkipEmpty())) {
      const LabelRef labels[] = {{"cpu", cpu}, {"governor", available}};
      out.Add(kGovernor, labels, available == governor ? 1 : 0);
    }
  }

  bool ReadCpufreqString(absl::string_view entry, absl::string_view file, std::string* text) {
    path_.assign(dir_).append("/");
    path_.append(entry.data(), entry.size()).append("/cpufreq/").append(file.data(), file.size());
    return access(path_.c_str(), R_OK) == 0 && common::ReadFileTo(path_, text).ok();
  }

  std::string dir_;
  // Reused across collections so that a steady state allocates nothing.
  common::DirListing entries_;
  std::string path_;
  std::string text_;
  std::string governor_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeCpufreqSource(const SourceContext& ctx) {
  return std::make_unique<CpufreqSource>(*ctx.fs);
}

}  // namespace hostmon::agent
