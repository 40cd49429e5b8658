// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nvme/nvme_source.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/nvme/nvme_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{"node_nvme_info", kGauge,
                           "Non-numeric data from /sys/class/nvme/<device>, value is always 1."};

// File names in node_exporter's label order: firmware_revision, model, serial, state.
constexpr absl::string_view kFiles[] = {"firmware_rev", "model", "serial", "state"};
constexpr absl::string_view kLabels[] = {"firmware_revision", "model", "serial", "state"};
constexpr size_t kNumAttributes = sizeof(kFiles) / sizeof(kFiles[0]);

class NvmeSource : public Source {
 public:
  explicit NvmeSource(const common::FsRoot& fs) : dir_(fs.Sys("class/nvme")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &controllers_));
    for (const absl::string_view controller : controllers_.names) {
      for (size_t i = 0; i < kNumAttributes; ++i) {
        path_.assign(dir_);
        absl::StrAppend(&path_, "/", controller, "/", kFiles[i]);
        HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &texts_[i]));
      }
      LabelRef labels[1 + kNumAttributes];
      labels[0] = {"device", controller};
      for (size_t i = 0; i < kNumAttributes; ++i) {
        labels[1 + i] = {kLabels[i], NvmeAttributeValue(texts_[i])};
      }
      out.Add(kInfo, labels, 1);
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  common::DirListing controllers_;  // reused buffers: no allocation in steady state
  std::string path_;
  std::string texts_[kNumAttributes];
};

}  // namespace

absl::StatusOr<SourcePtr> MakeNvmeSource(const SourceContext& ctx) {
  return std::make_unique<NvmeSource>(*ctx.fs);
}

}  // namespace hostmon::agent
