// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/hwmon/hwmon_source.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/hwmon/hwmon_parser.h"
#include "common/exposition.h"
#include "common/fs_root.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kChipNames{"node_hwmon_chip_names", kGauge,
                                "Annotation metric for human-readable chip names"};
constexpr MetricDesc kSensorLabel{"node_hwmon_sensor_label", kGauge,
                                  "Label for given chip and sensor"};
constexpr MetricDesc kBeepEnabled{"node_hwmon_beep_enabled", kGauge, "Hardware beep enabled"};
constexpr MetricDesc kVrm{"node_hwmon_voltage_regulator_version", kGauge,
                          "Hardware voltage regulator"};
constexpr MetricDesc kUpdateInterval{"node_hwmon_update_interval_seconds", kGauge,
                                     "Hardware monitor update interval"};

// One attribute file's contents, keyed like node_exporter's data[sensor][property].
struct Attr {
  std::string sensor;  // "temp1", "beep_enable0"
  std::string prop;    // "input", "crit_alarm", "" for a bare file
  std::string value;   // file contents, newlines trimmed
};

class HwmonSource : public Source {
 public:
  HwmonSource(const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops)
      : class_dir_(fs.Sys("class/hwmon")), ops_(std::move(ops)) {}

  absl::Status Collect(SampleWriter& out) override {
    absl::Status status = ops_->ListDir(class_dir_, &chips_);
    if (!status.ok()) return status;  // NotFound: no hwmon on this host
    absl::Status last = absl::OkStatus();
    for (const absl::string_view entry : chips_.names) {
      dir_.assign(class_dir_).append("/").append(entry.data(), entry.size());
      if (!ops_->IsDir(dir_)) continue;
      // As node_exporter: one bad chip does not hide the others, the last error is reported.
      absl::Status chip_status = CollectChip(out);
      if (!chip_status.ok()) last = chip_status;
    }
    return last;
  }

 private:
  // node_exporter's hwmonName: device path, else name file, else the directory's own name.
  absl::Status ChipName() {
    path_.assign(dir_).append("/device");
    if (ops_->IsDir(path_) && ops_->RealPath(path_, &resolved_).ok() &&
        HwmonChipFromDevicePath(resolved_, &chip_)) {
      return absl::OkStatus();
    }
    path_.assign(dir_).append("/name");
    if (ops_->IsFile(path_) && common::ReadFileTo(path_, &text_).ok()) {
      CleanHwmonName(text_, &chip_);
      if (!chip_.empty()) return absl::OkStatus();
    }
    absl::Status status = ops_->RealPath(dir_, &resolved_);
    if (!status.ok()) return status;
    CleanHwmonName(absl::string_view(resolved_).substr(resolved_.rfind('/') + 1), &chip_);
    if (chip_.empty()) {
      return absl::InternalError(absl::StrCat("could not derive a monitoring name for ", dir_));
    }
    return absl::OkStatus();
  }

  absl::Status ReadAttrs(const std::string& dir) {
    absl::Status status = ops_->ListDir(dir, &files_);
    if (!status.ok()) return status;
    for (const absl::string_view file : files_.names) {
      absl::string_view type, prop;
      int num;
      if (!ExplodeSensorFilename(file, &type, &num, &prop) || !IsHwmonSensorType(type)) continue;
      path_.assign(dir).append("/").append(file.data(), file.size());
      // Unreadable attributes (EIO from a sensor the chip lacks, sub-directories such as
      // device/power) are skipped silently, as node_exporter does.
      if (!ops_->IsFile(path_) || !common::ReadFileTo(path_, &text_).ok()) continue;
      absl::string_view value = text_;
      while (!value.empty() && value.front() == '\n') value.remove_prefix(1);
      while (!value.empty() && value.back() == '\n') value.remove_suffix(1);
      sensor_.clear();
      absl::StrAppend(&sensor_, type, num);
      size_t i = 0;
      while (i < n_ && (attrs_[i].sensor != sensor_ || attrs_[i].prop != prop)) ++i;
      if (i == n_) {
        if (n_ == attrs_.size()) attrs_.emplace_back();
        ++n_;
        attrs_[i].sensor.assign(sensor_);
        attrs_[i].prop.assign(prop.data(), prop.size());
      }
      attrs_[i].value.assign(value.data(), value.size());  // device/ overrides, as a Go map
    }
    return absl::OkStatus();
  }

  const Attr* Find(const std::string& sensor, absl::string_view prop) const {
    for (size_t i = 0; i < n_; ++i) {
      if (attrs_[i].sensor == sensor && attrs_[i].prop == prop) return &attrs_[i];
    }
    return nullptr;
  }

  absl::Status CollectChip(SampleWriter& out) {
    absl::Status status = ChipName();
    if (!status.ok()) return status;
    n_ = 0;
    status = ReadAttrs(dir_);
    if (!status.ok()) return status;
    device_dir_.assign(dir_).append("/device");
    if (ops_->IsDir(device_dir_)) {
      status = ReadAttrs(device_dir_);
      if (!status.ok()) return status;
    }

    path_.assign(dir_).append("/name");
    if (ops_->IsFile(path_) && common::ReadFileTo(path_, &text_).ok()) {
      CleanHwmonName(text_, &chip_name_);
      if (!chip_name_.empty()) {
        LabelRef labels[] = {{"chip", chip_}, {"chip_name", chip_name_}};
        out.Add(kChipNames, labels, 1);
      }
    }

    for (size_t i = 0; i < n_; ++i) {
      const std::string& sensor = attrs_[i].sensor;
      bool first = true;  // handle each sensor once, at its first attribute
      for (size_t j = 0; j < i && first; ++j) first = attrs_[j].sensor != sensor;
      if (first) EmitSensor(sensor, out);
    }
    return absl::OkStatus();
  }

  void EmitSensor(const std::string& sensor, SampleWriter& out) {
    absl::string_view type, unused_prop;
    int unused_num;
    ExplodeSensorFilename(sensor, &type, &unused_num, &unused_prop);
    LabelRef labels[] = {{"chip", chip_}, {"sensor", sensor}};
    if (const Attr* label = Find(sensor, "label");
        label != nullptr && common::IsValidUtf8(label->value)) {
      LabelRef with_label[] = {{"chip", chip_}, {"label", label->value}, {"sensor", sensor}};
      out.Add(kSensorLabel, with_label, 1);
    }
    const Attr* bare = Find(sensor, "");
    double value;
    if (type == "beep_enable") {
      out.Add(kBeepEnabled, labels, bare != nullptr && bare->value == "1" ? 1 : 0);
      return;
    }
    if (type == "vrm") {
      if (bare != nullptr && ParseHwmonValue(bare->value, &value)) out.Add(kVrm, labels, value);
      return;
    }
    if (type == "update_interval") {
      if (bare != nullptr && ParseHwmonValue(bare->value, &value)) {
        out.Add(kUpdateInterval, labels, value * 0.001);
      }
      return;
    }
    for (size_t i = 0; i < n_; ++i) {
      const Attr& a = attrs_[i];
      if (a.sensor != sensor || a.prop == "label") continue;
      if (!ParseHwmonValue(a.value, &value)) continue;  // skipped, as node_exporter
      double scale, divisor;
      MetricType metric_type;
      HwmonMetricFor(type, a.prop, bare != nullptr, &name_, &help_, &scale, &divisor, &metric_type);
      out.Add(MetricDesc{name_, metric_type, help_}, labels, value * scale / divisor);
    }
  }

  const std::string class_dir_;
  std::unique_ptr<SysfsDirOps> ops_;
  // Reused buffers: a steady-state collection does not allocate.
  common::DirListing chips_, files_;
  std::string dir_, device_dir_, path_, resolved_, text_, chip_, chip_name_, sensor_, name_, help_;
  std::vector<Attr> attrs_;
  size_t n_ = 0;  // attrs_ in use
};

}  // namespace

absl::StatusOr<SourcePtr> MakeHwmonSourceWithOps(const common::FsRoot& fs,
                                                 std::unique_ptr<SysfsDirOps> ops) {
  return std::make_unique<HwmonSource>(fs, std::move(ops));
}

absl::StatusOr<SourcePtr> MakeHwmonSource(const SourceContext& ctx) {
  return MakeHwmonSourceWithOps(*ctx.fs, RealSysfsDirOps());
}

}  // namespace hostmon::agent
