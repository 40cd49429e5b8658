// SPDX-License-Identifier: Apache-2.0
//
// Parsers for /proc/diskstats (Documentation/admin-guide/iostats.rst) and for udev's device
// database entries (/run/udev/data/b<major>:<minor>). A diskstats line looks like
//
//   254       0 vda 28068 5725 2336122 7078 17860 20003 11205592 29877 0 10024 39639 10473 17
//   8417216 2659 1012 23
//
// major, minor, name, then 11 counters (kernels before 4.18), 15 (4.18+: discards) or 17 (5.5+:
// flushes). Counters are reads completed, reads merged, sectors read, ms reading, the same four
// for writes, I/Os in progress, ms doing I/O, weighted ms doing I/O, then the same four for
// discards, then flush requests and ms flushing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

inline constexpr size_t kDiskstatsMaxCounters = 17;
inline constexpr size_t kDiskstatsMinCounters = 11;

struct DiskstatsLine {
  absl::string_view major;  // decimal text, as node_disk_info's label
  absl::string_view minor;
  absl::string_view device;
  // Counters present on this kernel (11, 15 or 17; more are ignored), in file order.
  size_t num_counters = 0;
  uint64_t counters[kDiskstatsMaxCounters] = {};
};

// Parses /proc/diskstats into *out (cleared first, capacity kept); views point into `text`.
// Error naming the line on fewer than 11 counters or a field that is not a decimal uint64
// (major and minor must fit 32 bits). Blank lines are skipped; an empty file is no devices.
absl::Status ParseDiskstats(absl::string_view text, std::vector<DiskstatsLine>* out);

// The udev properties node_exporter 1.12's diskstats collector uses ("E:KEY=value" lines).
enum UdevKey : int {
  kUdevIdPath,  // node_disk_info
  kUdevIdWwn,
  kUdevIdModel,
  kUdevIdSerialShort,
  kUdevIdSerial,
  kUdevScsiIdentSerial,
  kUdevIdRevision,
  kUdevIdFsType,  // node_disk_filesystem_info
  kUdevIdFsUsage,
  kUdevIdFsUuid,
  kUdevIdFsVersion,
  kUdevDmName,  // node_disk_device_mapper_info
  kUdevDmUuid,
  kUdevDmVgName,
  kUdevDmLvName,
  kUdevDmLvLayer,
  kUdevIdAta,  // node_disk_ata_*
  kUdevIdAtaWriteCache,
  kUdevIdAtaWriteCacheEnabled,
  kUdevIdAtaRotationRateRpm,
  kNumUdevKeys,
};

struct UdevDiskInfo {
  absl::string_view values[kNumUdevKeys];  // views into the parsed text; "" when absent
  bool present[kNumUdevKeys] = {};

  absl::string_view Get(UdevKey key) const { return values[key]; }
  bool Has(UdevKey key) const { return present[key]; }
};

// Parses a udev database entry ("S:disk/by-id/...", "E:ID_MODEL=QEMU_HARDDISK", ...). Only
// "E:" lines matter; lines without '=' are skipped, as node_exporter does. Never fails: udev's
// format is free-form and a missing property is an empty label.
void ParseUdevData(absl::string_view text, UdevDiskInfo* out);

}  // namespace hostmon::agent
