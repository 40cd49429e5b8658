// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/meminfo/meminfo_source.h"

#include <string>
#include <vector>

#include "agent/sources/meminfo/meminfo_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

class MeminfoSource : public Source {
 public:
  explicit MeminfoSource(const common::FsRoot& fs) : path_(fs.Proc("meminfo")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseMeminfo(text_, &fields_));
    for (const MeminfoField& f : fields_) {
      MeminfoMetricName(f, &name_);
      // node_exporter's help text, so `# HELP` lines match too.
      help_.assign("Memory information field ");
      help_.append(name_, sizeof("node_memory_") - 1, std::string::npos);
      help_.push_back('.');
      out.Add(MetricDesc{name_, kGauge, help_}, {}, f.value);
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
  std::vector<MeminfoField> fields_;
  std::string name_;  // reused buffers: no allocation per field in steady state
  std::string help_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeMeminfoSource(const SourceContext& ctx) {
  return std::make_unique<MeminfoSource>(*ctx.fs);
}

}  // namespace hostmon::agent
