// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_source.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/edac/edac_parser.h"
#include "common/fs_root.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kCe{"node_edac_correctable_errors_total", kCounter,
                         "Total correctable memory errors."};
constexpr MetricDesc kUe{"node_edac_uncorrectable_errors_total", kCounter,
                         "Total uncorrectable memory errors."};
constexpr MetricDesc kCsrowCe{"node_edac_csrow_correctable_errors_total", kCounter,
                              "Total correctable memory errors for this csrow."};
constexpr MetricDesc kCsrowUe{"node_edac_csrow_uncorrectable_errors_total", kCounter,
                              "Total uncorrectable memory errors for this csrow."};

class EdacSource : public Source {
 public:
  EdacSource(const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops)
      : mc_dir_(fs.Sys("devices/system/edac/mc")), ops_(std::move(ops)) {}

  absl::Status Collect(SampleWriter& out) override {
    absl::Status status = ops_->ListDir(mc_dir_, &controllers_);
    if (!status.ok()) return status;  // NotFound: no EDAC driver loaded
    for (const absl::string_view mc : controllers_.names) {
      absl::string_view controller;
      if (!EdacIndex(mc, "mc", &controller)) continue;
      dir_.assign(mc_dir_).append("/").append(mc.data(), mc.size());
      LabelRef labels[] = {{"controller", controller}};
      LabelRef unknown[] = {{"controller", controller}, {"csrow", "unknown"}};
      uint64_t value;
      // Same order as node_exporter, which stops at the first unreadable counter.
      if (status = Read(dir_, "ce_count", &value); !status.ok()) return status;
      out.Add(kCe, labels, static_cast<double>(value));
      if (status = Read(dir_, "ce_noinfo_count", &value); !status.ok()) return status;
      out.Add(kCsrowCe, unknown, static_cast<double>(value));
      if (status = Read(dir_, "ue_count", &value); !status.ok()) return status;
      out.Add(kUe, labels, static_cast<double>(value));
      if (status = Read(dir_, "ue_noinfo_count", &value); !status.ok()) return status;
      out.Add(kCsrowUe, unknown, static_cast<double>(value));

      if (status = ops_->ListDir(dir_, &csrows_); !status.ok()) return status;
      for (const absl::string_view row : csrows_.names) {
        absl::string_view csrow;
        if (!EdacIndex(row, "csrow", &csrow)) continue;
        row_dir_.assign(dir_).append("/").append(row.data(), row.size());
        LabelRef row_labels[] = {{"controller", controller}, {"csrow", csrow}};
        if (status = Read(row_dir_, "ce_count", &value); !status.ok()) return status;
        out.Add(kCsrowCe, row_labels, static_cast<double>(value));
        if (status = Read(row_dir_, "ue_count", &value); !status.ok()) return status;
        out.Add(kCsrowUe, row_labels, static_cast<double>(value));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Read(const std::string& dir, absl::string_view file, uint64_t* value) {
    path_.assign(dir).append("/").append(file.data(), file.size());
    absl::Status status = common::ReadFileTo(path_, &text_);
    if (!status.ok()) return status;
    return ParseEdacCount(text_, path_, value);
  }

  const std::string mc_dir_;
  std::unique_ptr<SysfsDirOps> ops_;
  common::DirListing controllers_, csrows_;
  std::string dir_, row_dir_, path_, text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeEdacSourceWithOps(const common::FsRoot& fs,
                                                std::unique_ptr<SysfsDirOps> ops) {
  return std::make_unique<EdacSource>(fs, std::move(ops));
}

absl::StatusOr<SourcePtr> MakeEdacSource(const SourceContext& ctx) {
  return MakeEdacSourceWithOps(*ctx.fs, RealSysfsDirOps());
}

}  // namespace hostmon::agent
