// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu_vulnerabilities/cpu_vulnerabilities_source.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "agent/sources/cpu_vulnerabilities/cpu_vulnerabilities_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{
    "node_cpu_vulnerabilities_info", kGauge,
    "Details of each CPU vulnerability reported by sysfs. The value of the series is an int "
    "encoded state of the vulnerability. The same state is stored as a string in the label"};

class CpuVulnerabilitiesSource : public Source {
 public:
  explicit CpuVulnerabilitiesSource(const common::FsRoot& fs)
      : dir_(fs.Sys("devices/system/cpu/vulnerabilities")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &files_));
    for (const absl::string_view name : files_.names) {
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", name);
      // A file that goes away between listing and reading is an error, as in node_exporter.
      HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
      ParseCpuVulnerability(text_, &vulnerability_);
      const LabelRef labels[] = {{"codename", name},
                                 {"mitigation", vulnerability_.mitigation},
                                 {"state", vulnerability_.state}};
      out.Add(kInfo, labels, 1);
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  common::DirListing files_;  // reused: no allocation in steady state
  std::string path_;
  std::string text_;
  CpuVulnerability vulnerability_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeCpuVulnerabilitiesSource(const SourceContext& ctx) {
  return std::make_unique<CpuVulnerabilitiesSource>(*ctx.fs);
}

}  // namespace hostmon::agent
