// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nvme/nvme_source.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/nvme/nvme_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{"node_nvme_info", kGauge,
                           "Non-numeric data from /sys/class/nvme/<device>, value is always 1."};

// File names in node_exporter's label order: firmware_revision, model, serial, state.
constexpr absl::string_view kFiles[] = {"firmware_rev", "model", "serial", "state"};
constexpr absl::string_view kLabels[] = {"firmware_revision", "model", "serial", "state"};
constexpr size_t kNumAttributes = sizeof(kFiles) / sizeof(kFiles[0]);

// Entry names of `dir` (without "." and ".."), sorted, into *out (its strings reused).
absl::Status ListDir(const std::string& dir, std::vector<std::string>* out) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    const int err = errno;
    std::string msg = absl::StrCat("opendir ", dir, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg) : absl::UnavailableError(msg);
  }
  size_t used = 0;
  while (const dirent* e = ::readdir(d)) {
    const absl::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (used == out->size()) out->emplace_back();
    (*out)[used++].assign(name.data(), name.size());
  }
  ::closedir(d);
  out->resize(used);
  std::sort(out->begin(), out->end());
  return absl::OkStatus();
}

class NvmeSource : public Source {
 public:
  explicit NvmeSource(const common::FsRoot& fs) : dir_(fs.Sys("class/nvme")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(ListDir(dir_, &controllers_));
    for (const std::string& controller : controllers_) {
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
  std::vector<std::string> controllers_;  // reused buffers: no allocation in steady state
  std::string path_;
  std::string texts_[kNumAttributes];
};

}  // namespace

SourcePtr MakeNvmeSource(const SourceContext& ctx) { return std::make_unique<NvmeSource>(*ctx.fs); }

}  // namespace hostmon::agent
