// SPDX-License-Identifier: Apache-2.0
//
// THE list of sources compiled into the agent. Adding a source = one folder under
// agent/sources/<name>/ (parser + source) and one entry here.
#include "agent/source_registry.h"
#include "agent/sources/cpu/cpu_source.h"
#include "agent/sources/diskstats/diskstats_source.h"
#include "agent/sources/filesystem/filesystem_source.h"
#include "agent/sources/loadavg/loadavg_source.h"
#include "agent/sources/mdadm/mdadm_source.h"
#include "agent/sources/meminfo/meminfo_source.h"
#include "agent/sources/nvme/nvme_source.h"

namespace hostmon::agent {
namespace {

template <SourcePtr (*Make)(const SourceContext&)>
absl::StatusOr<SourcePtr> Factory(const SourceContext& ctx) {
  return Make(ctx);
}

}  // namespace

const std::vector<SourceInfo>& BuiltinSources() {
  static const auto* sources = new std::vector<SourceInfo>{
      {"cpu", "CPU time per CPU and mode from /proc/stat", true, Factory<MakeCpuSource>},
      {"diskstats", "Block device I/O counters from /proc/diskstats, udev disk info", true,
       MakeDiskstatsSource, DiskstatsOptions()},
      {"filesystem",
       "Filesystem space and inode usage per mount via statvfs, with a hung-mount timeout", true,
       MakeFilesystemSource, FilesystemOptions()},
      {"loadavg", "Load averages from /proc/loadavg", true, Factory<MakeLoadavgSource>},
      {"mdadm", "Software RAID (md) state from /proc/mdstat", true, Factory<MakeMdadmSource>},
      {"meminfo", "Memory statistics from /proc/meminfo", true, Factory<MakeMeminfoSource>},
      {"nvme", "NVMe controller info from /sys/class/nvme", true, Factory<MakeNvmeSource>},
  };
  return *sources;
}

}  // namespace hostmon::agent
