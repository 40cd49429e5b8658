// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/thermal_zone/thermal_zone_source.h"

#include <string>
#include <vector>

#include "agent/sources/thermal_zone/thermal_zone_parser.h"
#include "common/fs_root.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kZoneTemp{"node_thermal_zone_temp", kGauge, "Zone temperature in Celsius"};
constexpr MetricDesc kCurState{"node_cooling_device_cur_state", kGauge,
                               "Current throttle state of the cooling device"};
constexpr MetricDesc kMaxState{"node_cooling_device_max_state", kGauge,
                               "Maximum throttle state of the cooling device"};

struct Reading {
  std::string index;  // "0" from thermal_zone0 / cooling_device0
  std::string type;
  int64_t a = 0, b = 0;  // temp, or cur_state and max_state
};

class ThermalZoneSource : public Source {
 public:
  ThermalZoneSource(const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops)
      : class_dir_(fs.Sys("class/thermal")), ops_(std::move(ops)) {}

  absl::Status Collect(SampleWriter& out) override {
    absl::Status status = ops_->ListDir(class_dir_, &entries_);
    if (!status.ok()) return status;  // NotFound: no thermal framework on this host
    // Everything is read before anything is written: node_exporter exports no zone when one
    // zone's temp is malformed.
    size_t zones = 0;
    for (const absl::string_view entry : entries_.names) {
      absl::string_view index;
      if (!ThermalIndex(entry, "thermal_zone", &index)) continue;
      Reading& r = Slot(&zones_, zones);
      dir_.assign(class_dir_).append("/").append(entry.data(), entry.size());
      // A zone without type, policy or temp (or whose sensor is not ready) is skipped.
      if (!Read("type", &r.type) || !Read("policy", &text_) || !Read("temp", &text_)) continue;
      status = ParseSysfsInt(text_, path_, &r.a);
      if (!status.ok()) return status;
      r.index.assign(index.data(), index.size());
      ++zones;
    }
    size_t devices = 0;
    bool devices_ok = true;
    for (const absl::string_view entry : entries_.names) {
      absl::string_view index;
      if (!ThermalIndex(entry, "cooling_device", &index)) continue;
      Reading& r = Slot(&devices_, devices);
      dir_.assign(class_dir_).append("/").append(entry.data(), entry.size());
      // node_exporter drops all cooling devices when one lacks a file, but keeps the zones.
      if (!Read("type", &r.type) || !Read("max_state", &text_)) {
        devices_ok = false;
        break;
      }
      status = ParseSysfsInt(text_, path_, &r.b);
      if (!status.ok()) return status;
      if (!Read("cur_state", &text_)) {
        devices_ok = false;
        break;
      }
      status = ParseSysfsInt(text_, path_, &r.a);
      if (!status.ok()) return status;
      r.index.assign(index.data(), index.size());
      ++devices;
    }
    for (size_t i = 0; i < zones; ++i) {
      LabelRef labels[] = {{"type", zones_[i].type}, {"zone", zones_[i].index}};
      out.Add(kZoneTemp, labels, static_cast<double>(zones_[i].a) / 1000.0);
    }
    for (size_t i = 0; devices_ok && i < devices; ++i) {
      LabelRef labels[] = {{"name", devices_[i].index}, {"type", devices_[i].type}};
      out.Add(kCurState, labels, static_cast<double>(devices_[i].a));
      out.Add(kMaxState, labels, static_cast<double>(devices_[i].b));
    }
    return absl::OkStatus();
  }

 private:
  static Reading& Slot(std::vector<Reading>* v, size_t i) {
    if (i == v->size()) v->emplace_back();
    return (*v)[i];
  }

  // Reads dir_/<file> into *out, whitespace trimmed; false when it cannot be read.
  bool Read(absl::string_view file, std::string* out) {
    path_.assign(dir_).append("/").append(file.data(), file.size());
    if (!common::ReadFileTo(path_, &text_).ok()) return false;
    const absl::string_view value = TrimSysfsValue(text_);
    if (out != &text_) {
      out->assign(value.data(), value.size());
    } else {
      text_.assign(value.data(), value.size());  // assign from a view into itself is safe
    }
    return true;
  }

  const std::string class_dir_;
  std::unique_ptr<SysfsDirOps> ops_;
  common::DirListing entries_;
  std::string dir_, path_, text_;
  std::vector<Reading> zones_, devices_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeThermalZoneSourceWithOps(const common::FsRoot& fs,
                                                       std::unique_ptr<SysfsDirOps> ops) {
  return std::make_unique<ThermalZoneSource>(fs, std::move(ops));
}

absl::StatusOr<SourcePtr> MakeThermalZoneSource(const SourceContext& ctx) {
  return MakeThermalZoneSourceWithOps(*ctx.fs, RealSysfsDirOps());
}

}  // namespace hostmon::agent
