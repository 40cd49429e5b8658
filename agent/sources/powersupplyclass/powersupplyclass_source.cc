// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/powersupplyclass/powersupplyclass_source.h"

#include <algorithm>
#include <string>
#include <vector>

#include "agent/sources/powersupplyclass/powersupplyclass_parser.h"
#include "common/exposition.h"
#include "common/fs_root.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{"node_power_supply_info", kGauge,
                           "info of /sys/class/power_supply/<power_supply>."};
constexpr size_t kMaxInfo = 16;  // 11 string attributes exist

struct Value {
  const PowerSupplyAttribute* attr;
  double value;
};

class PowerSupplyClassSource : public Source {
 public:
  PowerSupplyClassSource(const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops)
      : class_dir_(fs.Sys("class/power_supply")), ops_(std::move(ops)) {}

  absl::Status Collect(SampleWriter& out) override {
    absl::Status status = ops_->ListDir(class_dir_, &supplies_);
    if (!status.ok()) return status;  // NotFound: no power_supply class
    for (const absl::string_view supply : supplies_.names) {
      dir_.assign(class_dir_).append("/").append(supply.data(), supply.size());
      if (status = ops_->ListDir(dir_, &files_); !status.ok()) return status;
      // Read and parse the whole supply first: node_exporter exports nothing when one
      // attribute is malformed.
      values_.clear();
      size_t n_info = 0;
      for (const absl::string_view file : files_.names) {
        const PowerSupplyAttribute* attr = FindPowerSupplyAttribute(file);
        if (attr == nullptr) continue;
        path_.assign(dir_).append("/").append(file.data(), file.size());
        // Unreadable attributes (EIO/ENODATA while a battery is absent) are skipped.
        std::string& text = attr->info && n_info < kMaxInfo ? info_text_[n_info] : text_;
        if (!common::ReadFileTo(path_, &text).ok()) continue;
        if (attr->info) {
          const absl::string_view value = PowerSupplyText(text);
          // node_exporter omits empty strings (and replaces invalid UTF-8; dropped here).
          if (n_info < kMaxInfo && !value.empty() && common::IsValidUtf8(value)) {
            info_[n_info + 1] = {attr->metric, value};
            ++n_info;
          }
          continue;
        }
        int64_t number;
        if (status = ParsePowerSupplyInt(text, path_, &number); !status.ok()) return status;
        values_.push_back({attr, static_cast<double>(number) / attr->divisor});
      }
      LabelRef labels[] = {{"power_supply", supply}};
      for (const Value& v : values_) {
        name_.assign("node_power_supply_");
        name_.append(v.attr->metric.data(), v.attr->metric.size());
        help_.assign(v.attr->metric.data(), v.attr->metric.size());
        help_.append(" value of /sys/class/power_supply/<power_supply>.");
        out.Add(MetricDesc{name_, kGauge, help_}, labels, v.value);
      }
      info_[0] = {"power_supply", supply};
      // node_exporter prints the info labels sorted by name.
      std::sort(info_, info_ + n_info + 1,
                [](const LabelRef& a, const LabelRef& b) { return a.name < b.name; });
      out.Add(kInfo, LabelSpan(info_, n_info + 1), 1);
    }
    return absl::OkStatus();
  }

 private:
  const std::string class_dir_;
  std::unique_ptr<SysfsDirOps> ops_;
  common::DirListing supplies_, files_;
  std::string dir_, path_, text_, name_, help_;
  std::string info_text_[kMaxInfo];  // the info label values point into these
  LabelRef info_[kMaxInfo + 1];
  std::vector<Value> values_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakePowerSupplyClassSourceWithOps(const common::FsRoot& fs,
                                                            std::unique_ptr<SysfsDirOps> ops) {
  return std::make_unique<PowerSupplyClassSource>(fs, std::move(ops));
}

absl::StatusOr<SourcePtr> MakePowerSupplyClassSource(const SourceContext& ctx) {
  return MakePowerSupplyClassSourceWithOps(*ctx.fs, RealSysfsDirOps());
}

}  // namespace hostmon::agent
