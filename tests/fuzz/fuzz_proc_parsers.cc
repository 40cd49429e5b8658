// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for every pure /proc and /sys parser of agent/sources: one table-driven target
// (the first byte picks the parser) instead of ~90 binaries, so the fuzz build links once and CI
// gives each parser a share of one run. Coverage is still per parser: each parser's code has its
// own edges, and its seeds (the fixture files it is tested with) start with its selector byte.
// Parsers taking a file name and its content get "name\ncontent".
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "agent/sources/arp/arp_parser.h"
#include "agent/sources/bcache/bcache_parser.h"
#include "agent/sources/bcachefs/bcachefs_parser.h"
#include "agent/sources/btrfs/btrfs_parser.h"
#include "agent/sources/buddyinfo/buddyinfo_parser.h"
#include "agent/sources/cgroups/cgroups_parser.h"
#include "agent/sources/common/metric_name.h"
#include "agent/sources/common/pid_stat_parser.h"
#include "agent/sources/common/proc_stat_parser.h"
#include "agent/sources/common/sysfs_value.h"
#include "agent/sources/conntrack/conntrack_parser.h"
#include "agent/sources/cpu/cpu_sysfs_parser.h"
#include "agent/sources/cpu/cpuinfo_parser.h"
#include "agent/sources/cpu_vulnerabilities/cpu_vulnerabilities_parser.h"
#include "agent/sources/cpufreq/cpufreq_parser.h"
#include "agent/sources/diskstats/diskstats_parser.h"
#include "agent/sources/dmi/dmi_parser.h"
#include "agent/sources/dmmultipath/dmmultipath_parser.h"
#include "agent/sources/drbd/drbd_parser.h"
#include "agent/sources/edac/edac_parser.h"
#include "agent/sources/filefd/filefd_parser.h"
#include "agent/sources/filesystem/filesystem_parser.h"
#include "agent/sources/hwmon/hwmon_parser.h"
#include "agent/sources/infiniband/infiniband_parser.h"
#include "agent/sources/interrupts/interrupts_parser.h"
#include "agent/sources/ipvs/ipvs_parser.h"
#include "agent/sources/lnstat/lnstat_parser.h"
#include "agent/sources/loadavg/loadavg_parser.h"
#include "agent/sources/mdadm/mdadm_parser.h"
#include "agent/sources/meminfo/meminfo_parser.h"
#include "agent/sources/meminfo_numa/meminfo_numa_parser.h"
#include "agent/sources/mountstats/mountstats_parser.h"
#include "agent/sources/netclass/netclass_parser.h"
#include "agent/sources/netdev/netdev_parser.h"
#include "agent/sources/netstat/netstat_parser.h"
#include "agent/sources/nfs/nfs_parser.h"
#include "agent/sources/nvme/nvme_parser.h"
#include "agent/sources/os/os_release_parser.h"
#include "agent/sources/pcidevice/pcidevice_parser.h"
#include "agent/sources/powersupplyclass/powersupplyclass_parser.h"
#include "agent/sources/pressure/pressure_parser.h"
#include "agent/sources/process/limits_parser.h"
#include "agent/sources/rapl/rapl_parser.h"
#include "agent/sources/schedstat/schedstat_parser.h"
#include "agent/sources/slabinfo/slabinfo_parser.h"
#include "agent/sources/sockstat/sockstat_parser.h"
#include "agent/sources/softirqs/softirqs_parser.h"
#include "agent/sources/softnet/softnet_parser.h"
#include "agent/sources/sysctl/sysctl_parser.h"
#include "agent/sources/tcpstat/tcpstat_parser.h"
#include "agent/sources/thermal_zone/thermal_zone_parser.h"
#include "agent/sources/time/clocksource_parser.h"
#include "agent/sources/udp_queues/udp_queues_parser.h"
#include "agent/sources/vmstat/vmstat_parser.h"
#include "agent/sources/watchdog/watchdog_parser.h"
#include "agent/sources/xfrm/xfrm_parser.h"
#include "agent/sources/xfs/xfs_parser.h"
#include "agent/sources/zfs/zfs_parser.h"
#include "agent/sources/zoneinfo/zoneinfo_parser.h"
#include "common/code_pages.h"
#include "common/text_parse.h"
#include "tests/fuzz/fuzz_common.h"

namespace hostmon::agent {
namespace {

using fuzz::SeedSpec;
using fuzz::SplitNameLine;
using fuzz::Touch;

struct Entry {
  const char* name;
  SeedSpec seeds;
  std::function<void(absl::string_view)> parse;
};

const std::string kFx = "tests/fixtures/";
const std::string kNe = "tests/fixtures/node_exporter/";

// A file name for the parsers that use it only in their error messages.
constexpr absl::string_view kFile = "fuzz";

// The first byte of `in` as a small number (consumed), for parsers taking one besides the text.
uint8_t TakeByte(absl::string_view* in) {
  if (in->empty()) return 0;
  const auto b = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return b;
}

const std::vector<Entry>& Table() {
  static const auto* table = new std::vector<Entry>{
      {"meminfo",
       {"", {kFx + "proc/meminfo"}},
       [](absl::string_view in) {
         std::vector<MeminfoField> out;
         if (!ParseMeminfo(in, &out).ok()) return;
         std::string name;
         for (const MeminfoField& f : out) {
           MeminfoMetricName(f, &name);
           Touch(f.name);
           Touch(name);
         }
       }},
      {"proc_stat",
       {"", {kFx + "proc/stat"}},
       [](absl::string_view in) {
         ProcStat out;
         (void)ParseProcStat(in, &out);
       }},
      {"pid_stat",
       {"", {kFx + "proc/*/stat", kFx + "proc/*/task/*/stat"}},
       [](absl::string_view in) {
         PidStat out;
         (void)ParsePidStat(in, "stat", &out);
       }},
      {"loadavg",
       {"", {kFx + "proc/loadavg"}},
       [](absl::string_view in) {
         LoadAvg out;
         (void)ParseLoadavg(in, &out);
       }},
      {"diskstats",
       {"", {kFx + "proc/diskstats"}},
       [](absl::string_view in) {
         std::vector<DiskstatsLine> out;
         if (!ParseDiskstats(in, &out).ok()) return;
         for (const DiskstatsLine& l : out) {
           Touch(l.major);
           Touch(l.minor);
           Touch(l.device);
         }
       }},
      {"udev_data",
       {"", {kFx + "rootfs/run/udev/data"}},
       [](absl::string_view in) {
         UdevDiskInfo out;
         ParseUdevData(in, &out);
         for (int k = 0; k < kNumUdevKeys; ++k) Touch(out.Get(static_cast<UdevKey>(k)));
       }},
      {"mounts",
       {"", {kFx + "proc/1/mounts"}},
       [](absl::string_view in) {
         std::vector<MountEntry> out;
         if (!ParseMounts(in, &out).ok()) return;
         for (const MountEntry& m : out) {
           Touch(m.device);
           Touch(m.fs_type);
           Touch(m.options);
           (void)MountIsReadOnly(m.options);
         }
       }},
      {"netdev",
       {"", {kFx + "proc/net/dev"}},
       [](absl::string_view in) {
         std::vector<NetDevLine> out;
         if (!ParseNetDev(in, &out).ok()) return;
         for (const NetDevLine& l : out) Touch(l.device);
       }},
      {"netstat",
       {"", {kFx + "proc/net/netstat", kFx + "proc/net/snmp"}},
       [](absl::string_view in) {
         std::vector<NetstatValue> out;
         if (!ParseNetstatPairs(in, "netstat", &out).ok()) return;
         for (const NetstatValue& v : out) Touch(v.protocol);
       }},
      {"snmp6",
       {"", {kFx + "proc/net/snmp6"}},
       [](absl::string_view in) {
         std::vector<NetstatValue> out;
         if (!ParseSnmp6(in, &out).ok()) return;
         for (const NetstatValue& v : out) Touch(v.protocol);
       }},
      {"sockstat",
       {"", {kFx + "proc/net/sockstat*"}},
       [](absl::string_view in) {
         std::vector<SockstatValue> out;
         if (!ParseSockstat(in, "sockstat", &out).ok()) return;
         for (const SockstatValue& v : out) Touch(v.protocol);
       }},
      {"softnet",
       {"", {kFx + "proc/net/softnet_stat"}},
       [](absl::string_view in) {
         std::vector<SoftnetLine> out;
         (void)ParseSoftnet(in, &out);
       }},
      {"arp",
       {"", {kFx + "proc/net/arp"}},
       [](absl::string_view in) {
         std::vector<ArpDeviceCount> out;
         if (!ParseArp(in, &out).ok()) return;
         for (const ArpDeviceCount& a : out) Touch(a.device);
       }},
      {"tcp",
       {"", {kFx + "proc/net/tcp*"}},
       [](absl::string_view in) {
         TcpStats out;
         (void)ParseTcpSockets(in, "tcp", &out);
       }},
      {"udp_queues",
       {"", {kFx + "proc/net/udp*"}},
       [](absl::string_view in) {
         UdpQueues out;
         (void)ParseUdpQueues(in, "udp", &out);
       }},
      {"conntrack_stat",
       {"", {kFx + "proc/net/stat/nf_conntrack"}},
       [](absl::string_view in) {
         ConntrackStat out;
         (void)ParseConntrackStat(in, &out);
       }},
      {"conntrack_value",
       {"", {kFx + "proc/sys/net/netfilter"}},
       [](absl::string_view in) {
         uint64_t out = 0;
         (void)ParseConntrackValue(in, "nf_conntrack_count", &out);
       }},
      {"vmstat",
       {"", {kFx + "proc/vmstat"}},
       [](absl::string_view in) {
         std::vector<VmstatField> out;
         if (!ParseVmstat(in, &out).ok()) return;
         for (const VmstatField& f : out) Touch(f.name);
       }},
      {"interrupts",
       {"", {kFx + "proc/interrupts"}},
       [](absl::string_view in) {
         std::vector<InterruptLine> out;
         size_t lines = 0;
         if (!ParseInterrupts(in, &out, &lines).ok()) return;
         for (size_t i = 0; i < lines && i < out.size(); ++i) Touch(out[i].name);
       }},
      {"pressure",
       {"", {kFx + "proc/pressure"}},
       [](absl::string_view in) {
         PsiTotals out;
         (void)ParsePsi(in, "cpu", &out);
       }},
      {"schedstat",
       {"", {kFx + "proc/schedstat"}},
       [](absl::string_view in) {
         std::vector<SchedstatCpu> out;
         if (!ParseSchedstat(in, &out).ok()) return;
         for (const SchedstatCpu& c : out) Touch(c.cpu);
       }},
      {"file_nr",
       {"", {kFx + "proc/sys/fs/file-nr"}},
       [](absl::string_view in) {
         FileNr out;
         (void)ParseFileNr(in, &out);
       }},
      {"limits",
       {"", {kFx + "proc/self/limits"}},
       [](absl::string_view in) {
         ProcessLimits out;
         (void)ParseProcessLimits(in, &out);
       }},
      {"mdstat",
       {"", {kFx + "proc/mdstat"}},
       [](absl::string_view in) {
         std::vector<absl::string_view> lines;
         std::vector<MdDevice> out;
         if (!ParseMdstat(in, &lines, &out).ok()) return;
         for (const MdDevice& d : out) {
           Touch(d.name);
           Touch(d.state);
         }
       }},
      {"os_release",
       {"", {kFx + "rootfs/etc/os-release", kFx + "variants/os"}},
       [](absl::string_view in) {
         OsRelease out;
         if (ParseOsRelease(in, &out).ok()) (void)OsVersionNumber(out.version_id);
       }},
      {"edac",
       {"", {kFx + "sys/devices/system/edac/mc"}, true},
       [](absl::string_view in) {
         absl::string_view name, content, index;
         SplitNameLine(in, &name, &content);
         uint64_t out = 0;
         (void)ParseEdacCount(content, name, &out);
         if (EdacIndex(name, "csrow", &index)) Touch(index);
         if (EdacIndex(name, "mc", &index)) Touch(index);
       }},
      {"hwmon",
       {"", {kFx + "sys/devices/platform", kFx + "sys/devices/virtual/hwmon"}, true},
       [](absl::string_view in) {
         absl::string_view name, content, type, property;
         SplitNameLine(in, &name, &content);
         double value = 0;
         (void)ParseHwmonValue(content, &value);
         std::string clean, chip, metric, help;
         CleanHwmonName(content, &clean);
         (void)HwmonChipFromDevicePath(content, &chip);
         int num = 0;
         if (ExplodeSensorFilename(name, &type, &num, &property)) {
           Touch(type);
           Touch(property);
           if (IsHwmonSensorType(type)) {
             double scale = 0, divisor = 0;
             MetricType mt{};
             HwmonMetricFor(type, property, property.empty(), &metric, &help, &scale, &divisor,
                            &mt);
           }
         }
       }},
      {"thermal_zone",
       {"", {kFx + "sys/devices/virtual/thermal"}, true},
       [](absl::string_view in) {
         absl::string_view name, content, index;
         SplitNameLine(in, &name, &content);
         int64_t out = 0;
         Touch(TrimSysfsValue(content));
         (void)ParseSysfsInt(content, name, &out);
         if (ThermalIndex(name, "thermal_zone", &index)) Touch(index);
       }},
      {"netclass",
       {"", {kFx + "sys/class/net"}, true},
       [](absl::string_view in) {
         absl::string_view name, content;
         SplitNameLine(in, &name, &content);
         Touch(NetClassString(content));
         int64_t out = 0;
         (void)ParseNetClassNumber(content, name, &out);
       }},
      {"nvme",
       {"", {kFx + "sys/class/nvme"}},
       [](absl::string_view in) { Touch(NvmeAttributeValue(in)); }},
      {"power_supply",
       {"", {kFx + "sys/devices/LNXSYSTM:00"}, true},
       [](absl::string_view in) {
         absl::string_view name, content;
         SplitNameLine(in, &name, &content);
         if (const PowerSupplyAttribute* a = FindPowerSupplyAttribute(name)) Touch(a->metric);
         Touch(PowerSupplyText(content));
         int64_t out = 0;
         (void)ParsePowerSupplyInt(content, name, &out);
       }},
      {"rapl",
       {"", {kFx + "sys/devices/virtual/powercap"}, true},
       [](absl::string_view in) {
         absl::string_view name, content, base;
         SplitNameLine(in, &name, &content);
         int index = 0;
         if (SplitRaplName(content, name, &base, &index).ok()) Touch(base);
         std::string sanitized;
         SanitizeMetricName(content, &sanitized);
         uint64_t out = 0;
         (void)ParseRaplEnergy(content, name, &out);
       }},
      {"clocksource",
       {"", {kFx + "sys/devices/system/clocksource"}, true},
       [](absl::string_view in) {
         absl::string_view name, content;
         SplitNameLine(in, &name, &content);
         common::Fields out;
         for (bool exactly_one : {false, true}) {
           if (ParseClocksources(content, name, exactly_one, &out).ok()) {
             for (absl::string_view f : out) Touch(f);
           }
         }
         Touch(ClocksourceDevice(name));
         Touch(CpuDirNumber(name));
       }},
      {"numbers",
       {"", {kFx + "proc/sys/kernel"}},
       [](absl::string_view in) {
         uint64_t u = 0;
         int64_t i = 0;
         double d = 0;
         (void)common::ParseUint64(in, "u", &u);
         (void)common::ParseInt64(in, "i", &i);
         (void)common::ParseDouble(in, "d", &d);
         (void)common::ParseUint64File(in, "file", &u);
         common::Fields fields;
         common::SplitFields(in, &fields);
         for (absl::string_view f : fields) Touch(f);
       }},
      {"xfs_stats",
       {"", {kFx + "sys/fs/xfs"}},
       [](absl::string_view in) {
         XfsStats out;
         (void)ParseXfsStats(in, kFile, &out);
       }},
      {"zfs_kstat_named",
       {"",
        {kFx + "proc/spl/kstat/zfs/{arcstats,zil,fm,pool*/objset-*}",
         kNe + "proc/spl/kstat/zfs/*[a-z]"}},
       [](absl::string_view in) {
         std::vector<ZfsKstatRow> out;
         if (!ParseZfsKstatNamed(in, kFile, &out).ok()) return;
         for (const ZfsKstatRow& r : out) {
           Touch(r.name);
           Touch(r.type);
           Touch(r.data);
         }
       }},
      {"zfs_pool_io",
       {"", {kFx + "proc/spl/kstat/zfs/*/io", kNe + "proc/spl/kstat/zfs/*/io"}},
       [](absl::string_view in) {
         std::vector<ZfsIoField> out;
         if (!ParseZfsPoolIo(in, kFile, &out).ok()) return;
         for (const ZfsIoField& f : out) Touch(f.name);
       }},
      {"zfs_pool_state",
       {"", {kFx + "proc/spl/kstat/zfs/*/state", kNe + "proc/spl/kstat/zfs/*/state"}},
       [](absl::string_view in) {
         for (absl::string_view state : kZfsPoolStates) (void)ZfsPoolStateIs(in, state);
       }},
      {"nfs_client",
       {"", {kFx + "proc/net/rpc/nfs", kNe + "proc/net/rpc/nfs"}},
       [](absl::string_view in) {
         NfsClientStats out;
         (void)ParseNfsClientStats(in, kFile, &out);
       }},
      {"nfsd_server",
       {"", {kFx + "proc/net/rpc/nfsd", kNe + "proc/net/rpc/nfsd"}},
       [](absl::string_view in) {
         NfsServerStats out;
         (void)ParseNfsServerStats(in, kFile, &out);
       }},
      {"dmi",
       {"", {kFx + "sys/class/dmi/id"}, true},
       [](absl::string_view in) {
         absl::string_view name, content;
         SplitNameLine(in, &name, &content);
         Touch(DmiLabelFor(name));
         Touch(DmiLabelValue(content));
       }},
      {"watchdog",
       {"", {kFx + "sys/class/watchdog"}},
       [](absl::string_view in) {
         int64_t out = 0;
         (void)ParseWatchdogNumber(in, kFile, &out);
       }},
      {"xfrm_stat",
       {"", {kFx + "proc/net/xfrm_stat", kNe + "proc/net/xfrm_stat"}},
       [](absl::string_view in) {
         (void)ParseXfrmStat(in, kFile, [](absl::string_view name, uint64_t) { Touch(name); });
       }},
      {"softirqs",
       {"", {kFx + "proc/softirqs", kNe + "proc/softirqs"}},
       [](absl::string_view in) {
         (void)ParseSoftirqs(in, kFile,
                             [](absl::string_view name, size_t, uint64_t) { Touch(name); });
       }},
      {"buddyinfo",
       {"", {kFx + "proc/buddyinfo", kNe + "proc/buddyinfo"}},
       [](absl::string_view in) {
         (void)ParseBuddyinfo(in, kFile,
                              [](absl::string_view node, absl::string_view zone, size_t, uint64_t) {
                                Touch(node);
                                Touch(zone);
                              });
       }},
      {"cgroups",
       {"", {kFx + "proc/cgroups", kNe + "proc/cgroups"}},
       [](absl::string_view in) {
         (void)ParseCgroups(in, kFile,
                            [](absl::string_view name, uint64_t, uint64_t) { Touch(name); });
       }},
      {"slabinfo",
       {"", {kFx + "proc/slabinfo", kNe + "proc/slabinfo"}},
       [](absl::string_view in) {
         (void)ParseSlabinfo(in, kFile, [](const SlabEntry& e) { Touch(e.name); });
       }},
      {"lnstat",
       {"", {kFx + "proc/net/stat", kNe + "proc/net/stat"}},
       [](absl::string_view in) {
         (void)ParseLnstat(in, kFile, [](absl::string_view name, size_t, uint64_t) { Touch(name); });
       }},
      {"zoneinfo",
       {"", {kFx + "proc/zoneinfo", kNe + "proc/zoneinfo"}},
       [](absl::string_view in) {
         (void)ParseZoneinfo(in, kFile, [](const ZoneStats& z) {
           Touch(z.node);
           Touch(z.zone);
         });
       }},
      {"node_meminfo",
       {"", {kFx + "sys/devices/system/node/node*/meminfo"}},
       [](absl::string_view in) {
         (void)ParseNodeMeminfo(in, kFile,
                                [](absl::string_view node, absl::string_view name, double) {
                                  Touch(node);
                                  Touch(name);
                                });
       }},
      {"node_numastat",
       {"", {kFx + "sys/devices/system/node/node*/numastat"}},
       [](absl::string_view in) {
         (void)ParseNodeNumastat(in, kFile, [](absl::string_view name, double) { Touch(name); });
       }},
      {"bcachefs_human_bytes",
       {"", {kFx + "sys/fs/bcachefs/*/btree_cache_size", kFx + "sys/fs/bcachefs/*/dev-*"}},
       [](absl::string_view in) {
         uint64_t out = 0;
         (void)ParseBcachefsHumanBytes(in, kFile, &out);
       }},
      {"bcachefs_compression_stats",
       {"", {kFx + "sys/fs/bcachefs/*/compression_stats"}},
       [](absl::string_view in) {
         std::vector<BcachefsCompressionRow> out;
         if (!ParseBcachefsCompressionStats(in, kFile, &out).ok()) return;
         for (const BcachefsCompressionRow& r : out) Touch(r.algorithm);
       }},
      {"bcachefs_errors",
       {"", {kFx + "sys/fs/bcachefs/*/errors"}},
       [](absl::string_view in) {
         std::vector<BcachefsErrorRow> out;
         if (!ParseBcachefsErrors(in, kFile, &out).ok()) return;
         for (const BcachefsErrorRow& r : out) Touch(r.type);
       }},
      {"bcachefs_counter",
       {"", {kFx + "sys/fs/bcachefs/*/counters"}},
       [](absl::string_view in) {
         uint64_t out = 0;
         (void)ParseBcachefsCounter(in, kFile, &out);
       }},
      {"bcachefs_btree_write_stats",
       {"", {kFx + "sys/fs/bcachefs/*/btree_write_stats"}},
       [](absl::string_view in) {
         std::vector<BcachefsBtreeWriteRow> out;
         if (!ParseBcachefsBtreeWriteStats(in, kFile, &out).ok()) return;
         for (const BcachefsBtreeWriteRow& r : out) Touch(r.type);
       }},
      {"bcachefs_io_done",
       {"", {kFx + "sys/fs/bcachefs/*/dev-*/io_done"}},
       [](absl::string_view in) {
         std::vector<BcachefsIoDoneRow> out;
         if (!ParseBcachefsIoDone(in, kFile, &out).ok()) return;
         for (const BcachefsIoDoneRow& r : out) {
           Touch(r.operation);
           Touch(r.data_type);
         }
       }},
      {"bcachefs_io_errors",
       {"", {kFx + "sys/fs/bcachefs/*/dev-*/io_errors"}},
       [](absl::string_view in) {
         std::vector<BcachefsIoErrorRow> out;
         if (!ParseBcachefsIoErrors(in, kFile, &out).ok()) return;
         for (const BcachefsIoErrorRow& r : out) Touch(r.type);
       }},
      {"bcache_dehumanize",
       {"", {kFx + "sys/fs/bcache/*/{btree_cache_size,bdev*/dirty_data}"}},
       [](absl::string_view in) {
         uint64_t u = 0;
         int64_t i = 0;
         (void)DehumanizeBcache(in, &u);
         (void)DehumanizeBcacheSigned(in, &i);
       }},
      {"bcache_value",
       {"", {kFx + "sys/fs/bcache"}},
       [](absl::string_view in) {
         uint64_t out = 0;
         (void)ParseBcacheValue(in, kFile, &out);
       }},
      {"bcache_writeback_rate",
       {"", {kFx + "sys/fs/bcache/*/bdev*/writeback_rate_debug"}},
       [](absl::string_view in) {
         BcacheWritebackRate out;
         (void)ParseBcacheWritebackRate(in, kFile, &out);
       }},
      {"bcache_priority_stats",
       {"", {kFx + "sys/fs/bcache/*/cache*/priority_stats"}},
       [](absl::string_view in) {
         BcachePriorityStats out;
         (void)ParseBcachePriorityStats(in, kFile, &out);
       }},
      {"infiniband_state",
       {"", {kFx + "sys/class/infiniband/*/ports/*/*state"}},
       [](absl::string_view in) {
         uint32_t out = 0;
         (void)ParseInfinibandState(in, kFile, &out);
       }},
      {"infiniband_rate",
       {"", {kFx + "sys/class/infiniband/*/ports/*/rate"}},
       [](absl::string_view in) {
         uint64_t out = 0;
         (void)ParseInfinibandRate(in, kFile, &out);
       }},
      {"infiniband_counter",
       {"", {kFx + "sys/class/infiniband/*/ports/*/counters"}},
       [](absl::string_view in) {
         uint64_t out = 0;
         bool present = false;
         (void)ParseInfinibandCounter(in, kFile, &out, &present);
       }},
      {"btrfs_value",
       {"", {kFx + "sys/fs/btrfs/*/allocation"}},
       [](absl::string_view in) { (void)ParseBtrfsValue(in); }},
      {"btrfs_commit_stats",
       {"", {kFx + "sys/fs/btrfs/*/commit_stats"}},
       [](absl::string_view in) {
         BtrfsCommitStats out;
         (void)ParseBtrfsCommitStats(in, kFile, &out);
       }},
      {"btrfs_allocation_ratio",
       // The first byte is the device count (signed), the rest the profile.
       {"", {}, false, {"\x02raid1", "\x04raid5", "\x04raid6", std::string("\x00raid6", 6), "\x01single"}},
       [](absl::string_view in) {
         const int devices = static_cast<int8_t>(TakeByte(&in));
         (void)BtrfsAllocationRatio(in, devices);
       }},
      {"mountstats",
       {"", {kFx + "proc/self/mountstats", kNe + "proc/*/mountstats"}},
       [](absl::string_view in) {
         MountStats out;
         if (!out.Parse(in, kFile).ok()) return;
         for (const MountStatsEntry& m : out.mounts()) {
           Touch(m.device);
           Touch(m.mount_point);
           Touch(m.fstype);
           for (const NfsTransportStats& t : m.transports) Touch(t.protocol);
           for (const NfsOperationStats& o : m.operations) Touch(o.operation);
         }
       }},
      {"mountinfo_addrs",
       {"", {kFx + "proc/self/mountinfo", kNe + "proc/*/mountinfo"}},
       [](absl::string_view in) {
         std::vector<absl::string_view> out;
         if (!ParseMountInfoAddrs(in, kFile, &out).ok()) return;
         for (absl::string_view a : out) Touch(a);
       }},
      {"drbd",
       {"", {kFx + "proc/drbd", kNe + "proc/drbd"}},
       [](absl::string_view in) {
         std::vector<DrbdDevice> out;
         if (!ParseDrbd(in, kFile, &out).ok()) return;
         for (const DrbdDevice& d : out) {
           Touch(d.roles.local);
           Touch(d.roles.remote);
           Touch(d.disk_states.local);
           Touch(d.disk_states.remote);
           Touch(d.connection_state);
         }
       }},
      {"ipvs_stats",
       {"", {kFx + "proc/net/ip_vs_stats", kNe + "proc/net/ip_vs_stats"}},
       [](absl::string_view in) {
         IpvsStats out;
         (void)ParseIpvsStats(in, &out);
       }},
      {"ipvs_backends",
       {"", {kFx + "proc/net/ip_vs", kNe + "proc/net/ip_vs"}},
       [](absl::string_view in) {
         IpvsBackends out;
         if (!ParseIpvsBackends(in, &out).ok()) return;
         for (size_t i = 0; i < out.count && i < out.rows.size(); ++i) {
           const IpvsBackend& b = out.rows[i];
           for (const std::string* s : {&b.local_address, &b.local_port, &b.local_mark,
                                        &b.remote_address, &b.remote_port, &b.proto}) {
             Touch(*s);
           }
         }
       }},
      {"ipvs_address",
       {"", {}, false, {std::string("\xc0\xa8\x00\x16", 4), std::string(16, '\x01')}},
       [](absl::string_view in) {
         std::string out;
         FormatIpvsAddress(reinterpret_cast<const uint8_t*>(in.data()), in.size(), &out);
         Touch(out);
       }},
      {"sysctl_spec",
       {"",
        {},
        false,
        {"fs.file-nr:total,current,max", "kernel.threads-max", "net/ipv4/conf/all:a",
         "vm.hex:"}},
       [](absl::string_view in) {
         absl::StatusOr<SysctlSpec> spec = ParseSysctlSpec(in);
         if (spec.ok()) {
           Touch(spec->name);
           for (const std::string& k : spec->keys) Touch(k);
         }
         Touch(SanitizeSysctlName(in));
         Touch(SysctlPath(in));
       }},
      {"sysctl_values",
       {"", {kFx + "proc/sys"}},
       [](absl::string_view in) {
         std::vector<absl::string_view> out;
         SplitSysctlValues(in, &out);
         for (absl::string_view v : out) Touch(v);
       }},
      {"pci_location",
       {"", {}, false, {"0000:00:02.1", "0000:45:00.0", "ffff:ff:1f.7"}},
       [](absl::string_view in) {
         PciLocation location;
         if (!ParsePciLocation(in, &location).ok()) return;
         PciLocationLabels labels;
         FormatPciLocation(location, &labels);
         Touch(labels.segment);
         Touch(labels.bus);
         Touch(labels.device);
         Touch(labels.function);
       }},
      {"pci_id",
       {"", {kFx + "sys/bus/pci/devices/*/{vendor,device,subsystem_*}"}},
       [](absl::string_view in) {
         uint32_t out = 0;
         (void)ParsePciId(in, kFile, &out);
       }},
      {"pci_link_speed",
       {"", {kFx + "sys/bus/pci/devices/*/*_link_speed"}},
       [](absl::string_view in) {
         bool present = false;
         double out = 0;
         (void)ParsePciLinkSpeed(in, kFile, &present, &out);
       }},
      {"pci_decimal",
       // The first byte picks the bounds and whether "Unknown" is accepted.
       {"", {kFx + "sys/bus/pci/devices/*/{*_link_width,numa_node,sriov_*,d3cold_allowed}"}},
       [](absl::string_view in) {
         const uint8_t mode = TakeByte(&in);
         const int64_t min = (mode & 1) != 0 ? -1 : 0;
         const int64_t max = (mode & 2) != 0 ? INT64_MAX : 65535;
         bool present = false;
         int64_t out = 0;
         (void)ParsePciDecimal(in, kFile, min, max, (mode & 4) != 0, &present, &out);
       }},
      {"pci_hex",
       {"", {kFx + "sys/bus/pci/devices/*/{class,revision}"}},
       [](absl::string_view in) {
         bool present = false;
         uint32_t out = 0;
         (void)ParsePciHex(in, kFile, &present, &out);
       }},
      {"dm_uint",
       {"", {kFx + "variants/dmmultipath/sys/block/*/{size,dm/suspended}"}},
       [](absl::string_view in) {
         uint64_t out = 0;
         (void)ParseDmUint(in, kFile, &out);
       }},
      {"dm_path_state",
       {"", {kFx + "variants/dmmultipath/sys/block/*/device/state"}},
       [](absl::string_view in) { (void)IsDmPathActive(in); }},
      {"cpu_vulnerability",
       {"", {kFx + "sys/devices/system/cpu/vulnerabilities"}},
       [](absl::string_view in) {
         CpuVulnerability out;
         ParseCpuVulnerability(in, &out);
         Touch(out.state);
         Touch(out.mitigation);
       }},
      {"cpu_list",
       {"", {kFx + "sys/devices/system/cpu/{isolated,online,offline,possible,present}"}},
       [](absl::string_view in) {
         std::vector<uint32_t> out;
         (void)ParseCpuList(in, kFile, &out);
         uint64_t u = 0;
         (void)ParseCpuSysfsUint(in, &u);
       }},
      {"cpuinfo",
       {"", {kFx + "proc/cpuinfo", kNe + "proc/cpuinfo"}},
       [](absl::string_view in) {
         std::vector<CpuInfoEntry> out;
         if (!ParseCpuInfo(in, &out).ok()) return;
         for (const CpuInfoEntry& e : out) {
           for (absl::string_view f : {e.processor, e.vendor, e.family, e.model, e.model_name,
                                       e.stepping, e.microcode, e.cache_size, e.physical_id,
                                       e.core_id, e.flags, e.bugs}) {
             Touch(f);
           }
         }
       }},
      {"sysfs_value",
       // The fibrechannel and ksmd attributes go through these helpers.
       {"", {kFx + "sys/class/fc_host", kFx + "sys/kernel/mm/ksm"}},
       [](absl::string_view in) {
         const absl::string_view text = SysfsAttributeText(in);
         Touch(text);
         int64_t i = 0;
         uint64_t u = 0;
         (void)ParseGoInt64(text, &i);
         (void)ParseGoUint64(text, &u);
         double d = 0;
         if (in.size() >= sizeof(d)) {
           std::memcpy(&d, in.data(), sizeof(d));
           (void)GoFloat64ToUint64(d);
         }
       }},
      {"metric_name",
       {"", {}, false, {"intel-rapl:0", "__a..b__", "node_sysctl_x", "9to5"}},
       [](absl::string_view in) {
         std::string out;
         SanitizeMetricName(in, &out);
         Touch(out);
       }},
      {"smaps",
       // The agent's own /proc/self/smaps (common/code_pages.h), read once after its start.
       {"", {kFx + "proc/self/smaps"}},
       [](absl::string_view in) {
         auto out = common::ParseDroppableCodeMappings(in);
         if (!out.ok()) return;
         static volatile uint64_t sink = 0;
         for (const common::CodeMapping& m : *out) sink = sink + m.start + m.end + m.rss_kb;
       }},
  };
  return *table;
}

}  // namespace
}  // namespace hostmon::agent

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hostmon::fuzz::Initialize(hostmon::fuzz::TableSeeds(hostmon::agent::Table()));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* e = hostmon::fuzz::PickEntry(hostmon::agent::Table(), data, size);
  if (e != nullptr) e->parse(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
