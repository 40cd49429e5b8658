// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/kernel_hung/kernel_hung_source.h"

#include <string>

#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kHungTasks{
    "node_kernel_hung_tasks_total", kCounter,
    "Total number of tasks that have been detected as hung since the system booted."};

class KernelHungSource : public Source {
 public:
  explicit KernelHungSource(const common::FsRoot& fs)
      : path_(fs.Proc("sys/kernel/hung_task_detect_count")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    uint64_t count = 0;
    // The file is one decimal counter ("42\n"), as proc_doulongvec_minmax prints it.
    HM_RETURN_IF_ERROR(common::ParseUint64File(text_, path_, &count));
    out.Add(kHungTasks, {}, static_cast<double>(count));
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeKernelHungSource(const SourceContext& ctx) {
  return std::make_unique<KernelHungSource>(*ctx.fs);
}

}  // namespace hostmon::agent
