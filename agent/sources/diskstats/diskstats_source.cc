// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/diskstats/diskstats_source.h"

#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/device_filter.h"
#include "agent/sources/diskstats/diskstats_parser.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr char kDeviceExclude[] = "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";

// /proc/diskstats counts 512-byte sectors whatever the device's block size, and milliseconds.
constexpr double kSectorBytes = 512.0;
constexpr double kSecondsPerTick = 1.0 / 1000.0;  // multiplied, as node_exporter, for equal floats

struct Counter {
  MetricDesc desc;
  double scale;
};

// In /proc/diskstats column order; node_exporter emits the first N for N present counters.
constexpr Counter kCounters[kDiskstatsMaxCounters] = {
    {{"node_disk_reads_completed_total", kCounter,
      "The total number of reads completed successfully."},
     1},
    {{"node_disk_reads_merged_total", kCounter, "The total number of reads merged."}, 1},
    {{"node_disk_read_bytes_total", kCounter, "The total number of bytes read successfully."},
     kSectorBytes},
    {{"node_disk_read_time_seconds_total", kCounter,
      "The total number of seconds spent by all reads."},
     kSecondsPerTick},
    {{"node_disk_writes_completed_total", kCounter,
      "The total number of writes completed successfully."},
     1},
    {{"node_disk_writes_merged_total", kCounter, "The number of writes merged."}, 1},
    {{"node_disk_written_bytes_total", kCounter, "The total number of bytes written successfully."},
     kSectorBytes},
    {{"node_disk_write_time_seconds_total", kCounter,
      "This is the total number of seconds spent by all writes."},
     kSecondsPerTick},
    {{"node_disk_io_now", kGauge, "The number of I/Os currently in progress."}, 1},
    {{"node_disk_io_time_seconds_total", kCounter, "Total seconds spent doing I/Os."},
     kSecondsPerTick},
    {{"node_disk_io_time_weighted_seconds_total", kCounter,
      "The weighted # of seconds spent doing I/Os."},
     kSecondsPerTick},
    {{"node_disk_discards_completed_total", kCounter,
      "The total number of discards completed successfully."},
     1},
    {{"node_disk_discards_merged_total", kCounter, "The total number of discards merged."}, 1},
    // Sectors, not bytes: node_exporter exports this one unscaled.
    {{"node_disk_discarded_sectors_total", kCounter,
      "The total number of sectors discarded successfully."},
     1},
    {{"node_disk_discard_time_seconds_total", kCounter,
      "This is the total number of seconds spent by all discards."},
     kSecondsPerTick},
    {{"node_disk_flush_requests_total", kCounter,
      "The total number of flush requests completed successfully"},
     1},
    {{"node_disk_flush_requests_time_seconds_total", kCounter,
      "This is the total number of seconds spent by all flush requests."},
     kSecondsPerTick},
};

constexpr MetricDesc kInfo{"node_disk_info", kGauge, "Info of /sys/block/<block_device>."};
constexpr MetricDesc kFilesystemInfo{"node_disk_filesystem_info", kGauge,
                                     "Info about disk filesystem."};
constexpr MetricDesc kDeviceMapperInfo{"node_disk_device_mapper_info", kGauge,
                                       "Info about disk device mapper."};

struct AtaMetric {
  UdevKey key;
  MetricDesc desc;
};
constexpr AtaMetric kAtaMetrics[] = {
    {kUdevIdAtaWriteCache, {"node_disk_ata_write_cache", kGauge, "ATA disk has a write cache."}},
    {kUdevIdAtaWriteCacheEnabled,
     {"node_disk_ata_write_cache_enabled", kGauge, "ATA disk has its write cache enabled."}},
    {kUdevIdAtaRotationRateRpm,
     {"node_disk_ata_rotation_rate_rpm", kGauge, "ATA disk rotation rate in RPMs (0 for SSDs)."}},
};

class DiskstatsSource : public Source {
 public:
  DiskstatsSource(const common::FsRoot& fs, DeviceFilter filter)
      : path_(fs.Proc("diskstats")),
        block_dir_(fs.Sys("block")),
        udev_dir_(fs.Root("run/udev/data")),
        filter_(std::move(filter)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseDiskstats(text_, &lines_));
    for (const DiskstatsLine& d : lines_) {
      if (Ignored(d.device)) continue;
      ReadUdev(d);
      // As node_exporter 1.12: the serial printed on the disk's label, else the short serial,
      // else ID_SERIAL (virtio and MMC devices have only that one).
      absl::string_view serial = udev_.Get(kUdevScsiIdentSerial);
      if (serial.empty()) serial = udev_.Get(kUdevIdSerialShort);
      if (serial.empty()) serial = udev_.Get(kUdevIdSerial);
      LabelRef info_labels[] = {
          {"device", d.device},
          {"major", d.major},
          {"minor", d.minor},
          {"model", udev_.Get(kUdevIdModel)},
          {"path", udev_.Get(kUdevIdPath)},
          {"revision", udev_.Get(kUdevIdRevision)},
          {"rotational", Rotational(d.device)},
          {"serial", serial},
          {"wwn", udev_.Get(kUdevIdWwn)},
      };
      out.Add(kInfo, info_labels, 1);
      LabelRef labels[] = {{"device", d.device}};
      for (size_t i = 0; i < d.num_counters; ++i) {
        out.Add(kCounters[i].desc, labels, static_cast<double>(d.counters[i]) * kCounters[i].scale);
      }
      AddUdevMetrics(d.device, out);
    }
    return absl::OkStatus();
  }

 private:
  bool Ignored(absl::string_view device) {
    // RE2 builds its DFA lazily, which can allocate; device names repeat, so decide each once.
    auto it = ignored_.find(device);
    if (it != ignored_.end()) return it->second;
    const bool ignored = !filter_.Keep(device);
    ignored_.emplace(std::string(device), ignored);
    return ignored;
  }

  // node_exporter 1.12's rotational label: "1" when /sys/block/<dev>/queue/rotational says 1,
  // else "0" (also for partitions and devices without the file). One small read per device and
  // cycle, as node_exporter: the flag can be changed at run time (udev rules set it for some
  // virtual disks), so it is not cached.
  absl::string_view Rotational(absl::string_view device) {
    rotational_path_.assign(block_dir_);
    absl::StrAppend(&rotational_path_, "/", device, "/queue/rotational");
    // Checked first: partitions have no queue/, and a failed read allocates an error Status.
    if (::access(rotational_path_.c_str(), F_OK) != 0 ||
        !common::ReadFileTo(rotational_path_, &rotational_text_).ok()) {
      return "0";
    }
    uint64_t value = 0;
    return common::ParseUint64(absl::StripAsciiWhitespace(rotational_text_), "rotational", &value)
                       .ok() &&
                   value == 1
               ? "1"
               : "0";
  }

  // node_exporter 1.5.0's extra udev-derived series, each only when udev knows the property.
  void AddUdevMetrics(absl::string_view device, SampleWriter& out) {
    if (!udev_.Get(kUdevIdFsType).empty()) {
      LabelRef labels[] = {{"device", device},
                           {"type", udev_.Get(kUdevIdFsType)},
                           {"usage", udev_.Get(kUdevIdFsUsage)},
                           {"uuid", udev_.Get(kUdevIdFsUuid)},
                           {"version", udev_.Get(kUdevIdFsVersion)}};
      out.Add(kFilesystemInfo, labels, 1);
    }
    if (!udev_.Get(kUdevDmName).empty()) {
      LabelRef labels[] = {{"device", device},
                           {"lv_layer", udev_.Get(kUdevDmLvLayer)},
                           {"lv_name", udev_.Get(kUdevDmLvName)},
                           {"name", udev_.Get(kUdevDmName)},
                           {"uuid", udev_.Get(kUdevDmUuid)},
                           {"vg_name", udev_.Get(kUdevDmVgName)}};
      out.Add(kDeviceMapperInfo, labels, 1);
    }
    if (!udev_.Get(kUdevIdAta).empty()) {
      LabelRef labels[] = {{"device", device}};
      for (const AtaMetric& m : kAtaMetrics) {
        if (!udev_.Has(m.key)) continue;
        double value;
        absl::Status status = common::ParseDouble(udev_.Get(m.key), m.desc.name, &value);
        if (!status.ok()) {
          common::log::Warn("diskstats: bad ATA value in udev data",
                            common::log::Kv("err", status.message()));
          continue;
        }
        out.Add(m.desc, labels, value);
      }
    }
  }

  // A missing or unreadable entry (no udev, e.g. in a container) leaves the labels empty.
  void ReadUdev(const DiskstatsLine& d) {
    udev_path_.assign(udev_dir_);
    absl::StrAppend(&udev_path_, "/b", d.major, ":", d.minor);
    // Checked first so that the common "no udev" case builds no error message (no allocation).
    absl::Status status = ::access(udev_path_.c_str(), F_OK) == 0
                              ? common::ReadFileTo(udev_path_, &udev_text_)
                              : absl::NotFoundError("");
    if (!status.ok()) {
      if (common::log::Enabled(common::log::Level::kDebug)) {
        common::log::Debug("diskstats: no udev data",
                           absl::StrCat(common::log::Kv("path", udev_path_),
                                        common::log::Kv("err", status.message())));
      }
      udev_text_.clear();
    }
    ParseUdevData(udev_text_, &udev_);
  }

  std::string path_;
  std::string block_dir_;
  std::string udev_dir_;
  DeviceFilter filter_;

  std::string text_;  // reused buffers: no allocation per device in steady state
  std::vector<DiskstatsLine> lines_;
  std::string udev_path_;
  std::string udev_text_;
  std::string rotational_path_;
  std::string rotational_text_;
  UdevDiskInfo udev_;
  absl::flat_hash_map<std::string, bool> ignored_;  // device name -> filtered out
};

}  // namespace

const std::vector<SourceOption>& DiskstatsOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"device-exclude", kDeviceExclude, "Regexp of diskstats devices to exclude"},
      {"device-include", "",
       "Regexp of diskstats devices to include (replaces the default device-exclude)"},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeDiskstatsSource(const SourceContext& ctx) {
  // As node_exporter: an include filter replaces the default exclude; setting both is an error.
  HM_ASSIGN_OR_RETURN(DeviceFilter filter,
                      DeviceFilter::Make(ctx, "device-include", "device-exclude", kDeviceExclude));
  return std::make_unique<DiskstatsSource>(*ctx.fs, std::move(filter));
}

}  // namespace hostmon::agent
