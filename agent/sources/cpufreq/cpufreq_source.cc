// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpufreq/cpufreq_source.h"

#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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
    }
    if (with_cpufreq == 0) {
      return absl::NotFoundError(absl::StrCat("no cpufreq files under ", dir_, "/cpu*/cpufreq"));
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  // Reused across collections so that a steady state allocates nothing.
  common::DirListing entries_;
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeCpufreqSource(const SourceContext& ctx) {
  return std::make_unique<CpufreqSource>(*ctx.fs);
}

}  // namespace hostmon::agent
