// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/hwmon/hwmon_source.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/device_filter.h"
#include "agent/sources/hwmon/hwmon_parser.h"
#include "common/exposition.h"
#include "common/fs_root.h"
#include "common/status_macros.h"
#include "common/utf8.h"

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

// What a chip's files that do not change while it exists said at their last read: its `name` file
// and its sensors' `*_label` files (set by the driver from the chip, ACPI or the device tree).
struct ChipStatics {
  std::string device;  // the resolved device/ link at that read ("" without): the chip's identity
  absl::Time read_at;
  uint64_t seen = 0;  // the last collection that listed the chip
  std::string name_file;
  // Label file path -> contents, newlines trimmed. Only labels that were read: an unreadable one
  // is tried again at the next collection. Cleared at each refresh, so labels of sensors that
  // are gone do not stay.
  absl::flat_hash_map<std::string, std::string> labels;
};

class HwmonSource : public Source {
 public:
  HwmonSource(const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops, DeviceFilter chips,
              DeviceFilter sensors, const common::Clock* clock)
      : class_dir_(fs.Sys("class/hwmon")),
        ops_(std::move(ops)),
        chip_filter_(std::move(chips)),
        sensor_filter_(std::move(sensors)),
        clock_(clock) {}

  absl::Status Collect(SampleWriter& out) override {
    absl::Status status = ops_->ListDir(class_dir_, &listing_);
    if (!status.ok()) return status;  // NotFound: no hwmon on this host
    ++collection_;
    const absl::Time now = clock_->Now();
    // Pass 1, as node_exporter 1.12: every chip's base name, so that chips sharing one (several
    // hwmons of one parent device) can be told apart before any is exported.
    size_t n = 0;
    for (const absl::string_view entry : listing_.names) {
      if (n == chips_.size()) chips_.emplace_back();
      if (n == statics_of_.size()) statics_of_.push_back(nullptr);
      HwmonChip& chip = chips_[n];
      chip.dir.assign(class_dir_).append("/").append(entry.data(), entry.size());
      if (!ops_->IsDir(chip.dir)) continue;
      path_.assign(chip.dir).append("/device");
      const bool has_device = ops_->IsDir(path_) && ops_->RealPath(path_, &resolved_).ok();
      if (!has_device) resolved_.clear();
      ChipStatics& statics = Statics(chip.dir, resolved_, now);
      chip.name_file.assign(statics.name_file);
      statics_of_[n] = &statics;
      // As node_exporter: a chip without any usable name is skipped, not an error.
      if (ChipBaseName(chip, has_device)) ++n;
    }
    // Chips that are gone are forgotten: the cache holds at most the listed chips.
    absl::erase_if(statics_,
                   [this](const auto& entry) { return entry.second.seen != collection_; });
    AssignHwmonChipLabels(chips_.data(), n);
    // Pass 2: filter on the final label (what users see), then export.
    absl::Status last = absl::OkStatus();
    for (size_t i = 0; i < n; ++i) {
      if (!chip_filter_.Keep(chips_[i].label)) continue;
      // As node_exporter: one bad chip does not hide the others, the last error is reported.
      absl::Status chip_status = CollectChip(chips_[i], *statics_of_[i], out);
      if (!chip_status.ok()) last = chip_status;
    }
    return last;
  }

 private:
  // The cached statics of the chip at `dir`, read again (its name file now, its labels as they
  // are met) when they are kHwmonRefresh old or the chip's device changed (hwmonN numbers are
  // reused when a driver is reloaded).
  ChipStatics& Statics(const std::string& dir, const std::string& device, absl::Time now) {
    auto [it, inserted] = statics_.try_emplace(dir);
    ChipStatics& statics = it->second;
    statics.seen = collection_;
    if (inserted || statics.device != device || now - statics.read_at >= kHwmonRefresh) {
      statics.device.assign(device);
      statics.read_at = now;
      statics.labels.clear();
      ReadNameFile(dir, &statics.name_file);
    }
    return statics;
  }

  // The chip's `name` file, white space trimmed; "" when it has none.
  void ReadNameFile(const std::string& dir, std::string* name_file) {
    name_file->clear();
    path_.assign(dir).append("/name");
    if (!ops_->IsFile(path_) || !common::ReadFileTo(path_, &text_).ok()) return;
    const absl::string_view trimmed = absl::StripAsciiWhitespace(text_);
    name_file->assign(trimmed.data(), trimmed.size());
  }

  // node_exporter's hwmonName: device path (resolved_ when has_device), else name file, else the
  // directory's own name.
  bool ChipBaseName(HwmonChip& chip, bool has_device) {
    if (has_device && HwmonChipFromDevicePath(resolved_, &chip.base)) return true;
    CleanHwmonName(chip.name_file, &chip.base);
    if (!chip.base.empty()) return true;
    if (!ops_->RealPath(chip.dir, &resolved_).ok()) return false;
    CleanHwmonName(absl::string_view(resolved_).substr(resolved_.rfind('/') + 1), &chip.base);
    return !chip.base.empty();
  }

  absl::Status ReadAttrs(const std::string& dir, ChipStatics& statics) {
    absl::Status status = ops_->ListDir(dir, &files_);
    if (!status.ok()) return status;
    for (const absl::string_view file : files_.names) {
      absl::string_view type, prop;
      int num;
      if (!ExplodeSensorFilename(file, &type, &num, &prop) || !IsHwmonSensorType(type)) continue;
      path_.assign(dir).append("/").append(file.data(), file.size());
      absl::string_view value;
      const bool is_label = prop == "label";
      const auto cached = is_label ? statics.labels.find(path_) : statics.labels.end();
      if (cached != statics.labels.end()) {
        value = cached->second;
      } else {
        // Unreadable attributes (EIO from a sensor the chip lacks, sub-directories such as
        // device/power) are skipped silently, as node_exporter does.
        if (!ops_->IsFile(path_) || !common::ReadFileTo(path_, &text_).ok()) continue;
        value = text_;
        while (!value.empty() && value.front() == '\n') value.remove_prefix(1);
        while (!value.empty() && value.back() == '\n') value.remove_suffix(1);
        if (is_label) statics.labels.try_emplace(path_, value);
      }
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

  absl::Status CollectChip(const HwmonChip& chip, ChipStatics& statics, SampleWriter& out) {
    n_ = 0;
    absl::Status status = ReadAttrs(chip.dir, statics);
    if (!status.ok()) return status;
    device_dir_.assign(chip.dir).append("/device");
    if (ops_->IsDir(device_dir_)) {
      status = ReadAttrs(device_dir_, statics);
      if (!status.ok()) return status;
    }

    // node_exporter's hwmonHumanReadableChipName: the cleaned name file; several chips may
    // share it (two coretemp packages), their `chip` labels differ.
    CleanHwmonName(chip.name_file, &chip_name_);
    if (!chip_name_.empty()) {
      LabelRef labels[] = {{"chip", chip.label}, {"chip_name", chip_name_}};
      out.Add(kChipNames, labels, 1);
    }

    for (size_t i = 0; i < n_; ++i) {
      const std::string& sensor = attrs_[i].sensor;
      bool first = true;  // handle each sensor once, at its first attribute
      for (size_t j = 0; j < i && first; ++j) first = attrs_[j].sensor != sensor;
      if (!first) continue;
      // node_exporter filters sensors on "<chip>;<sensor>" ("platform_coretemp_0;temp3").
      key_.assign(chip.label).append(";").append(sensor);
      if (!sensor_filter_.Keep(key_)) continue;
      EmitSensor(chip.label, sensor, out);
    }
    return absl::OkStatus();
  }

  void EmitSensor(const std::string& chip, const std::string& sensor, SampleWriter& out) {
    absl::string_view type, unused_prop;
    int unused_num;
    ExplodeSensorFilename(sensor, &type, &unused_num, &unused_prop);
    LabelRef labels[] = {{"chip", chip}, {"sensor", sensor}};
    const Attr* label = Find(sensor, "label");
    if (label != nullptr) {
      // node_exporter 1.12 replaces bytes that are not UTF-8 (1.5.0 failed the whole scrape).
      label_text_.clear();
      common::AppendValidUtf8(label->value, &label_text_);
      LabelRef with_label[] = {{"chip", chip}, {"label", label_text_}, {"sensor", sensor}};
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
      if (type == "freq" && a.prop == "input") {
        // node_exporter names a frequency by its label ("sclk", "mclk" of a GPU) in place of
        // the sensor, and skips one without a label.
        if (label == nullptr) continue;
        CleanHwmonName(label->value, &freq_sensor_);
        LabelRef freq_labels[] = {{"chip", chip}, {"sensor", freq_sensor_}};
        out.Add(MetricDesc{name_, metric_type, help_}, freq_labels, value * scale / divisor);
        continue;
      }
      out.Add(MetricDesc{name_, metric_type, help_}, labels, value * scale / divisor);
    }
  }

  const std::string class_dir_;
  std::unique_ptr<SysfsDirOps> ops_;
  const DeviceFilter chip_filter_;
  const DeviceFilter sensor_filter_;
  const common::Clock* clock_;
  // Per listed chip directory; entries of chips that are gone are dropped every collection. A
  // node map: statics_of_ points into it while chips are added.
  absl::node_hash_map<std::string, ChipStatics> statics_;
  std::vector<ChipStatics*> statics_of_;  // of chips_[i], for this collection
  uint64_t collection_ = 0;
  // Reused buffers: a steady-state collection does not allocate.
  common::DirListing listing_, files_;
  std::vector<HwmonChip> chips_;
  std::string device_dir_, path_, resolved_, text_, chip_name_, sensor_, name_, help_, key_,
      label_text_, freq_sensor_;
  std::vector<Attr> attrs_;
  size_t n_ = 0;  // attrs_ in use
};

}  // namespace

const std::vector<SourceOption>& HwmonOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"chip-include", "",
       "Regexp (RE2) of hwmon chips to include (mutually exclusive to chip-exclude)."},
      {"chip-exclude", "",
       "Regexp (RE2) of hwmon chips to exclude (mutually exclusive to chip-include)."},
      {"sensor-include", "",
       "Regexp (RE2) of hwmon sensors, as <chip>;<sensor>, to include (mutually exclusive to "
       "sensor-exclude)."},
      {"sensor-exclude", "",
       "Regexp (RE2) of hwmon sensors, as <chip>;<sensor>, to exclude (mutually exclusive to "
       "sensor-include)."},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeHwmonSourceWithOps(const common::FsRoot& fs,
                                                 std::unique_ptr<SysfsDirOps> ops,
                                                 const common::Clock* clock) {
  return std::make_unique<HwmonSource>(fs, std::move(ops), DeviceFilter(), DeviceFilter(), clock);
}

absl::StatusOr<SourcePtr> MakeHwmonSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(DeviceFilter chips, DeviceFilter::Make(ctx, "chip-include", "chip-exclude"));
  HM_ASSIGN_OR_RETURN(DeviceFilter sensors,
                      DeviceFilter::Make(ctx, "sensor-include", "sensor-exclude"));
  return std::make_unique<HwmonSource>(*ctx.fs, RealSysfsDirOps(), std::move(chips),
                                       std::move(sensors), &common::RealClock::Get());
}

}  // namespace hostmon::agent
