// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/dmi/dmi_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/dmi/dmi_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{
    "node_dmi_info", kGauge,
    "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, "
    "bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, "
    "chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, "
    "product_name, product_serial, product_sku, product_uuid, product_version, system_vendor if "
    "provided by DMI."};

class DmiSource : public Source {
 public:
  explicit DmiSource(const common::FsRoot& fs) : dir_(fs.Sys("class/dmi/id")) {}

  absl::Status Collect(SampleWriter& out) override {
    if (!loaded_) {
      HM_RETURN_IF_ERROR(Load());
      loaded_ = true;
    }
    if (labels_.empty()) {
      return absl::NotFoundError(absl::StrCat(dir_, ": no readable DMI attribute"));
    }
    out.Add(kInfo, labels_, 1);
    return absl::OkStatus();
  }

 private:
  absl::Status Load() {
    common::DirListing files;
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &files));  // sorted, so labels come out sorted
    std::vector<std::pair<std::string, std::string>> fields;
    std::string path, text;
    for (const absl::string_view file : files.names) {
      const absl::string_view label = DmiLabelFor(file);
      if (label.empty()) continue;
      path = absl::StrCat(dir_, "/", file);
      // Serials and the UUID are 0400 root: without privileges the label is left out, as
      // node_exporter does, rather than failing the whole source.
      if (::access(path.c_str(), R_OK) != 0 && errno == EACCES) continue;
      HM_RETURN_IF_ERROR(common::ReadFileTo(path, &text));
      fields.emplace_back(std::string(label), DmiLabelValue(text));
    }
    // "sys_vendor" sorts before the product_* files but its label, system_vendor, sorts last.
    std::sort(fields.begin(), fields.end());
    storage_ = std::move(fields);
    labels_.clear();
    for (const auto& [name, value] : storage_) labels_.push_back({name, value});
    return absl::OkStatus();
  }

  std::string dir_;
  bool loaded_ = false;
  std::vector<std::pair<std::string, std::string>> storage_;  // the views in labels_ point here
  std::vector<LabelRef> labels_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeDmiSource(const SourceContext& ctx) {
  return std::make_unique<DmiSource>(*ctx.fs);
}

}  // namespace hostmon::agent
