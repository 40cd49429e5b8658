// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nvme/nvme_source.h"

#include <unistd.h>

#include <cstdint>
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
constexpr MetricDesc kNsInfo{"node_nvme_namespace_info", kGauge,
                             "Information about NVMe namespaces. Value is always 1"};
constexpr MetricDesc kNsCapacity{"node_nvme_namespace_capacity_bytes", kGauge,
                                 "Capacity of the NVMe namespace in bytes. Computed as "
                                 "namespace_size * namespace_logical_block_size"};
constexpr MetricDesc kNsSize{"node_nvme_namespace_size_bytes", kGauge,
                             "Size of the NVMe namespace in bytes. Available in "
                             "/sys/class/nvme/<device>/<namespace>/size"};
constexpr MetricDesc kNsUsed{"node_nvme_namespace_used_bytes", kGauge,
                             "Used space of the NVMe namespace in bytes. Available in "
                             "/sys/class/nvme/<device>/<namespace>/nuse"};
constexpr MetricDesc kNsBlockSize{
    "node_nvme_namespace_logical_block_size_bytes", kGauge,
    "Logical block size of the NVMe namespace in bytes. Usually 4Kb. Available in "
    "/sys/class/nvme/<device>/<namespace>/queue/logical_block_size"};

// File names in node_exporter's label order: firmware_revision, model, serial, state, cntlid.
constexpr absl::string_view kFiles[] = {"firmware_rev", "model", "serial", "state", "cntlid"};
constexpr absl::string_view kLabels[] = {"firmware_revision", "model", "serial", "state", "cntlid"};
constexpr size_t kNumAttributes = sizeof(kFiles) / sizeof(kFiles[0]);
constexpr size_t kCntlid = 4;

class NvmeSource : public Source {
 public:
  explicit NvmeSource(const common::FsRoot& fs) : dir_(fs.Sys("class/nvme")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &controllers_));
    for (const absl::string_view controller : controllers_.names) {
      for (size_t i = 0; i < kNumAttributes; ++i) {
        path_.assign(dir_);
        absl::StrAppend(&path_, "/", controller, "/", kFiles[i]);
        absl::Status status = common::ReadFileTo(path_, &texts_[i]);
        // node_exporter 1.12 fails the collection without cntlid; old kernels lack the file,
        // and an empty label there costs less than losing every controller.
        if (i == kCntlid && absl::IsNotFound(status)) {
          texts_[i].clear();
          continue;
        }
        HM_RETURN_IF_ERROR(status);
      }
      LabelRef labels[1 + kNumAttributes];
      labels[0] = {"device", controller};
      for (size_t i = 0; i < kNumAttributes; ++i) {
        labels[1 + i] = {kLabels[i], NvmeAttributeValue(texts_[i])};
      }
      out.Add(kInfo, labels, 1);
      HM_RETURN_IF_ERROR(CollectNamespaces(controller, out));
    }
    return absl::OkStatus();
  }

 private:
  // node_exporter 1.12's namespace families. The controller's directory is listed every cycle:
  // namespaces are attached and detached at run time (nvme ns-attach, ns-rescan).
  absl::Status CollectNamespaces(absl::string_view controller, SampleWriter& out) {
    ctrl_dir_.assign(dir_).append("/").append(controller.data(), controller.size());
    HM_RETURN_IF_ERROR(common::ListDir(ctrl_dir_, &entries_));
    for (const absl::string_view entry : entries_.names) {
      absl::string_view nsid;
      if (!NvmeNamespaceId(entry, &nsid)) continue;
      uint64_t numbers[3];  // nuse, size, logical block size: required, as in procfs
      constexpr absl::string_view kNumberFiles[] = {"nuse", "size", "queue/logical_block_size"};
      for (size_t i = 0; i < 3; ++i) {
        NamespacePath(entry, kNumberFiles[i]);
        HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &ns_text_));
        numbers[i] = NvmeNamespaceNumber(ns_text_);
      }
      // ana_state exists only with ANA (multipath) support: "unknown" without it.
      NamespacePath(entry, "ana_state");
      absl::string_view ana_state = "unknown";
      if (::access(path_.c_str(), F_OK) == 0 && common::ReadFileTo(path_, &ns_text_).ok()) {
        ana_state = NvmeAttributeValue(ns_text_);
      }
      const LabelRef info[] = {{"ana_state", ana_state}, {"device", controller}, {"nsid", nsid}};
      out.Add(kNsInfo, info, 1);
      const LabelRef labels[] = {{"device", controller}, {"nsid", nsid}};
      const uint64_t block = numbers[2];
      out.Add(kNsCapacity, labels, static_cast<double>(numbers[1] * block));
      out.Add(kNsSize, labels, static_cast<double>(numbers[1] * block));
      out.Add(kNsUsed, labels, static_cast<double>(numbers[0] * block));
      out.Add(kNsBlockSize, labels, static_cast<double>(block));
    }
    return absl::OkStatus();
  }

  void NamespacePath(absl::string_view entry, absl::string_view file) {
    path_.assign(ctrl_dir_);
    absl::StrAppend(&path_, "/", entry, "/", file);
  }

  std::string dir_;
  common::DirListing controllers_;  // reused buffers: no allocation in steady state
  std::string path_;
  std::string texts_[kNumAttributes];
  std::string ctrl_dir_, ns_text_;
  common::DirListing entries_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeNvmeSource(const SourceContext& ctx) {
  return std::make_unique<NvmeSource>(*ctx.fs);
}

}  // namespace hostmon::agent
