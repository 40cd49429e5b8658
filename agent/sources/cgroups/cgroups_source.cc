// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cgroups/cgroups_source.h"

#include <string>

#include "agent/sources/cgroups/cgroups_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kCgroups{"node_cgroups_cgroups", kGauge,
                              "Current cgroup number of the subsystem."};
constexpr MetricDesc kEnabled{"node_cgroups_enabled", kGauge,
                              "Current cgroup number of the subsystem."};

class CgroupsSource : public Source {
 public:
  explicit CgroupsSource(const common::FsRoot& fs) : path_(fs.Proc("cgroups")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    return ParseCgroups(text_, path_,
                        [&out](absl::string_view subsys, uint64_t cgroups, uint64_t enabled) {
                          const LabelRef labels[] = {{"subsys_name", subsys}};
                          out.Add(kCgroups, labels, static_cast<double>(cgroups));
                          out.Add(kEnabled, labels, static_cast<double>(enabled));
                        });
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeCgroupsSource(const SourceContext& ctx) {
  return std::make_unique<CgroupsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
