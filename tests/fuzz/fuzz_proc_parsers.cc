// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for every pure /proc and /sys parser of agent/sources: one table-driven target
// (the first byte picks the parser) instead of ~35 binaries, so the fuzz build links once and CI
// gives each parser a share of one run. Coverage is still per parser: each parser's code has its
// own edges, and its seeds (the fixture files it is tested with) start with its selector byte.
// Parsers taking a file name and its content get "name\ncontent".
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/sources/arp/arp_parser.h"
#include "agent/sources/common/metric_name.h"
#include "agent/sources/common/pid_stat_parser.h"
#include "agent/sources/common/proc_stat_parser.h"
#include "agent/sources/conntrack/conntrack_parser.h"
#include "agent/sources/cpufreq/cpufreq_parser.h"
#include "agent/sources/diskstats/diskstats_parser.h"
#include "agent/sources/edac/edac_parser.h"
#include "agent/sources/filefd/filefd_parser.h"
#include "agent/sources/filesystem/filesystem_parser.h"
#include "agent/sources/hwmon/hwmon_parser.h"
#include "agent/sources/interrupts/interrupts_parser.h"
#include "agent/sources/loadavg/loadavg_parser.h"
#include "agent/sources/mdadm/mdadm_parser.h"
#include "agent/sources/meminfo/meminfo_parser.h"
#include "agent/sources/netclass/netclass_parser.h"
#include "agent/sources/netdev/netdev_parser.h"
#include "agent/sources/netstat/netstat_parser.h"
#include "agent/sources/nvme/nvme_parser.h"
#include "agent/sources/os/os_release_parser.h"
#include "agent/sources/powersupplyclass/powersupplyclass_parser.h"
#include "agent/sources/pressure/pressure_parser.h"
#include "agent/sources/process/limits_parser.h"
#include "agent/sources/rapl/rapl_parser.h"
#include "agent/sources/schedstat/schedstat_parser.h"
#include "agent/sources/sockstat/sockstat_parser.h"
#include "agent/sources/softnet/softnet_parser.h"
#include "agent/sources/tcpstat/tcpstat_parser.h"
#include "agent/sources/thermal_zone/thermal_zone_parser.h"
#include "agent/sources/time/clocksource_parser.h"
#include "agent/sources/udp_queues/udp_queues_parser.h"
#include "agent/sources/vmstat/vmstat_parser.h"
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
