// SPDX-License-Identifier: Apache-2.0
//
// THE list of sources compiled into the agent. Adding a source = one folder under
// agent/sources/<name>/ (parser + source) and one entry here.
#include "agent/source_registry.h"
#include "agent/sources/arp/arp_source.h"
#include "agent/sources/bcache/bcache_source.h"
#include "agent/sources/bcachefs/bcachefs_source.h"
#include "agent/sources/bonding/bonding_source.h"
#include "agent/sources/btrfs/btrfs_source.h"
#include "agent/sources/buddyinfo/buddyinfo_source.h"
#include "agent/sources/cgroups/cgroups_source.h"
#include "agent/sources/conntrack/conntrack_source.h"
#include "agent/sources/cpu/cpu_source.h"
#include "agent/sources/cpu_vulnerabilities/cpu_vulnerabilities_source.h"
#include "agent/sources/cpufreq/cpufreq_source.h"
#include "agent/sources/diskstats/diskstats_source.h"
#include "agent/sources/dmi/dmi_source.h"
#include "agent/sources/dmmultipath/dmmultipath_source.h"
#include "agent/sources/drbd/drbd_source.h"
#include "agent/sources/edac/edac_source.h"
#include "agent/sources/entropy/entropy_source.h"
#include "agent/sources/fibrechannel/fibrechannel_source.h"
#include "agent/sources/filefd/filefd_source.h"
#include "agent/sources/filesystem/filesystem_source.h"
#include "agent/sources/hwmon/hwmon_source.h"
#include "agent/sources/infiniband/infiniband_source.h"
#include "agent/sources/interrupts/interrupts_source.h"
#include "agent/sources/ipmi/ipmi_source.h"
#include "agent/sources/ipvs/ipvs_source.h"
#include "agent/sources/kernel_hung/kernel_hung_source.h"
#include "agent/sources/ksmd/ksmd_source.h"
#include "agent/sources/lnstat/lnstat_source.h"
#include "agent/sources/loadavg/loadavg_source.h"
#include "agent/sources/mdadm/mdadm_source.h"
#include "agent/sources/meminfo/meminfo_source.h"
#include "agent/sources/meminfo_numa/meminfo_numa_source.h"
#include "agent/sources/mountstats/mountstats_source.h"
#include "agent/sources/netclass/netclass_source.h"
#include "agent/sources/netdev/netdev_source.h"
#include "agent/sources/netstat/netstat_source.h"
#include "agent/sources/nfs/nfs_source.h"
#include "agent/sources/nfs/nfsd_source.h"
#include "agent/sources/nvme/nvme_source.h"
#include "agent/sources/os/os_source.h"
#include "agent/sources/pcidevice/pcidevice_source.h"
#include "agent/sources/powersupplyclass/powersupplyclass_source.h"
#include "agent/sources/pressure/pressure_source.h"
#include "agent/sources/probe/probe_source.h"
#include "agent/sources/process/process_source.h"
#include "agent/sources/processes/processes_source.h"
#include "agent/sources/rapl/rapl_source.h"
#include "agent/sources/redfish/redfish_source.h"
#include "agent/sources/schedstat/schedstat_source.h"
#include "agent/sources/slabinfo/slabinfo_source.h"
#include "agent/sources/smart/smart_source.h"
#include "agent/sources/sockstat/sockstat_source.h"
#include "agent/sources/softirqs/softirqs_source.h"
#include "agent/sources/softnet/softnet_source.h"
#include "agent/sources/stat/stat_source.h"
#include "agent/sources/sysctl/sysctl_source.h"
#include "agent/sources/systemd/systemd_source.h"
#include "agent/sources/tapestats/tapestats_source.h"
#include "agent/sources/tcpstat/tcpstat_source.h"
#include "agent/sources/textfile/textfile_source.h"
#include "agent/sources/thermal_zone/thermal_zone_source.h"
#include "agent/sources/time/time_source.h"
#include "agent/sources/timex/timex_source.h"
#include "agent/sources/udp_queues/udp_queues_source.h"
#include "agent/sources/uname/uname_source.h"
#include "agent/sources/vmstat/vmstat_source.h"
#include "agent/sources/watchdog/watchdog_source.h"
#include "agent/sources/weblog/weblog_source.h"
#include "agent/sources/xfrm/xfrm_source.h"
#include "agent/sources/xfs/xfs_source.h"
#include "agent/sources/zfs/zfs_source.h"
#include "agent/sources/zoneinfo/zoneinfo_source.h"

namespace hostmon::agent {

const std::vector<SourceInfo>& BuiltinSources() {
  static const auto* sources = new std::vector<SourceInfo>{
      {"arp",
       "ARP entries per device from /proc/net/arp",
       true,
       MakeArpSource,
       {{"device-include", "",
         "Regexp of arp devices to include (mutually exclusive to device-exclude)."},
        {"device-exclude", "",
         "Regexp of arp devices to exclude (mutually exclusive to device-include)."}}},
      {"bcache", "bcache cache sets, backing and cache devices from /sys/fs/bcache", true,
       MakeBcacheSource, BcacheOptions()},
      {"bcachefs",
       "bcachefs filesystem, counter and per-device IO statistics from /sys/fs/bcachefs", true,
       MakeBcachefsSource},
      {"bonding", "Bonding interfaces' configured and active slaves from /sys/class/net/*/bonding",
       true, MakeBondingSource},
      {"btrfs", "Btrfs allocation, commit and device statistics from /sys/fs/btrfs", true,
       MakeBtrfsSource},
      {"buddyinfo", "Free memory blocks per zone and order from /proc/buddyinfo", false,
       MakeBuddyinfoSource},
      {"cgroups", "Cgroups per controller from /proc/cgroups", false, MakeCgroupsSource},
      {"conntrack",
       "Connection tracking table size and statistics from /proc/sys/net/netfilter and "
       "/proc/net/stat/nf_conntrack",
       true, MakeConntrackSource},
      {"cpu", "CPU time per CPU and mode from /proc/stat", true, MakeCpuSource, CpuOptions()},
      {"cpu_vulnerabilities",
       "CPU vulnerabilities and their mitigations from /sys/devices/system/cpu/vulnerabilities",
       false, MakeCpuVulnerabilitiesSource},
      {"cpufreq", "CPU frequencies from /sys/devices/system/cpu/cpu*/cpufreq", true,
       MakeCpufreqSource},
      {"diskstats", "Block device I/O counters from /proc/diskstats, udev disk info", true,
       MakeDiskstatsSource, DiskstatsOptions()},
      {"dmi", "DMI/SMBIOS identification from /sys/class/dmi/id (read once)", true, MakeDmiSource},
      {"dmmultipath", "Device-mapper multipath maps and their paths' states from /sys/block/dm-*",
       true, MakeDmmultipathSource},
      {"drbd", "DRBD 8 device state and counters from /proc/drbd", false, MakeDrbdSource},
      {"edac", "Memory controller error counters from /sys/devices/system/edac", true,
       MakeEdacSource},
      {"entropy", "Available entropy from /proc/sys/kernel/random", true, MakeEntropySource},
      {"fibrechannel", "Fibre Channel HBA state and counters from /sys/class/fc_host", true,
       MakeFibrechannelSource},
      {"filefd", "File handle counts from /proc/sys/fs/file-nr", true, MakeFilefdSource},
      {"filesystem",
       "Filesystem space and inode usage per mount via statvfs, with a hung-mount timeout", true,
       MakeFilesystemSource, FilesystemOptions()},
      {"hwmon", "Hardware sensors (temperature, fan, voltage, power) from /sys/class/hwmon", true,
       MakeHwmonSource, HwmonOptions()},
      {"infiniband",
       "InfiniBand/RDMA adapters' port state, rate and counters from /sys/class/infiniband", true,
       MakeInfinibandSource, InfinibandOptions()},
      {"interrupts", "Interrupt counts per CPU and IRQ from /proc/interrupts", false,
       MakeInterruptsSource},
      {"ipmi",
       "BMC sensors, chassis, SEL, DCMI power of the local BMC (in-band) and of remote BMCs "
       "(LAN 2.0) via FreeIPMI in process, as ipmi_exporter",
       false, MakeIpmiSource, IpmiOptions(),
       /*slow=*/true},
      {"ipvs",
       "IP Virtual Server totals and real servers from /proc/net/ip_vs_stats and /proc/net/ip_vs",
       true, MakeIpvsSource, IpvsOptions()},
      {"kernel_hung", "Hung tasks detected since boot from /proc/sys/kernel/hung_task_detect_count",
       true, MakeKernelHungSource},
      {"ksmd", "Kernel samepage merging statistics from /sys/kernel/mm/ksm", false, MakeKsmdSource},
      {"lnstat", "Per-CPU network cache statistics from /proc/net/stat/*", false, MakeLnstatSource},
      {"loadavg", "Load averages from /proc/loadavg", true, MakeLoadavgSource},
      {"mdadm", "Software RAID (md) state from /proc/mdstat", true, MakeMdadmSource},
      {"meminfo", "Memory statistics from /proc/meminfo", true, MakeMeminfoSource},
      {"meminfo_numa", "Memory statistics per NUMA node from /sys/devices/system/node", false,
       MakeMeminfoNumaSource},
      {"mountstats",
       "NFS client statistics per mount from /proc/self/mountstats (server address from "
       "/proc/self/mountinfo)",
       false, MakeMountstatsSource},
      {"netclass",
       "Network interface properties from /sys/class/net",
       true,
       MakeNetclassSource,
       {{"ignored-devices", "^$", "Regexp of net devices to ignore for netclass."},
        {"ignore-invalid-speed", "false",
         "Ignore devices where the speed is invalid (true/false)."}}},
      {"netdev",
       "Network device statistics from /proc/net/dev",
       true,
       MakeNetdevSource,
       {{"device-include", "",
         "Regexp of net devices to include (mutually exclusive to device-exclude)."},
        {"device-exclude", "^lo$",
         "Regexp of net devices to exclude (mutually exclusive to device-include)."}}},
      {"netstat",
       "Protocol counters from /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6",
       true,
       MakeNetstatSource,
       {{"fields", kNetstatDefaultFields, "Regexp of <Proto>_<Field> to export."}}},
      {"nfs", "NFS client RPC and per-procedure statistics from /proc/net/rpc/nfs", true,
       MakeNfsSource},
      {"nfsd", "NFS server statistics from /proc/net/rpc/nfsd", true, MakeNfsdSource},
      {"nvme", "NVMe controller info from /sys/class/nvme", true, MakeNvmeSource},
      {"os", "OS identification from /etc/os-release", true, MakeOsSource},
      {"pcidevice",
       "PCI devices' identification, link, SR-IOV and power state from /sys/bus/pci/devices", false,
       MakePcideviceSource, PcideviceOptions()},
      {"powersupplyclass", "Power supplies and batteries from /sys/class/power_supply", true,
       MakePowerSupplyClassSource},
      {"pressure", "Pressure stall information from /proc/pressure", true, MakePressureSource},
      {"probe",
       "Probes of the targets of a targets file (tcp connect/TLS, http(s), icmp echo, dns) with "
       "blackbox_exporter's probe_* series and a latency histogram per target",
       false, MakeProbeSource, ProbeOptions(), /*slow=*/true},
      {"process",
       "The agent's own CPU, memory and file descriptors (process_* metrics, as every Go "
       "exporter has)",
       true, MakeProcessSource},
      {"processes", "Process and thread counts by state from /proc/<pid>/stat", false,
       MakeProcessesSource},
      {"rapl", "RAPL energy counters from /sys/class/powercap", true, MakeRaplSource},
      {"redfish",
       "Hardware health (thermal, power, sensors, drives) from Redfish services (BMCs) listed in "
       "a targets file",
       false, MakeRedfishSource, RedfishOptions(), /*slow=*/true},
      {"schedstat", "Per-CPU scheduler statistics from /proc/schedstat", true, MakeSchedstatSource},
      {"slabinfo", "Slab allocator caches from /proc/slabinfo (root-only file)", false,
       MakeSlabinfoSource, SlabinfoOptions()},
      {"smart",
       "SMART/NVMe disk health via smartctl --json (--nocheck=standby: sleeping disks stay "
       "asleep), as smartctl_exporter; slow tier; needs CAP_SYS_RAWIO/CAP_SYS_ADMIN (README)",
       false, MakeSmartSource, SmartOptions(), /*slow=*/true},
      {"sockstat", "Socket statistics from /proc/net/sockstat and /proc/net/sockstat6", true,
       MakeSockstatSource},
      {"softirqs", "Softirq counts per CPU and vector from /proc/softirqs", false,
       MakeSoftirqsSource},
      {"softnet", "Per-CPU packet processing statistics from /proc/net/softnet_stat", true,
       MakeSoftnetSource},
      {"stat", "Boot time, context switches, forks, interrupts from /proc/stat", true,
       MakeStatSource, StatOptions()},
      {"sysctl", "Kernel parameters named by the include options from /proc/sys", false,
       MakeSysctlSource, SysctlOptions()},
      {"systemd",
       "systemd unit states and socket connections over D-Bus (sd-bus), as node_exporter's "
       "systemd collector",
       false, MakeSystemdSource, SystemdOptions()},
      {"tapestats", "Tape drive I/O statistics from /sys/class/scsi_tape/st*/stats", true,
       MakeTapestatsSource, TapestatsOptions()},
      {"tcpstat", "TCP connections by state from /proc/net/tcp and /proc/net/tcp6", false,
       MakeTcpstatSource},
      {"textfile", "Samples from *.prom files in a directory (node_exporter's textfile)", true,
       MakeTextfileSource, TextfileOptions()},
      {"thermal_zone",
       "Thermal zone temperatures and cooling device states from /sys/class/thermal", true,
       MakeThermalZoneSource},
      {"time", "System time, time zone and clocksources", true, MakeTimeSource},
      {"timex", "Kernel clock synchronisation state from adjtimex(2)", true, MakeTimexSource},
      {"udp_queues", "UDP send and receive queue bytes from /proc/net/udp and /proc/net/udp6", true,
       MakeUdpQueuesSource},
      {"uname", "Kernel and host identification from uname(2)", true, MakeUnameSource},
      {"vmstat",
       "Virtual memory counters from /proc/vmstat",
       true,
       MakeVmstatSource,
       {{"fields", kVmstatDefaultFields,
         "Regex (RE2) of /proc/vmstat fields to export, as --collector.vmstat.fields"}}},
      {"watchdog", "Watchdog timers' state and timeouts from /sys/class/watchdog", true,
       MakeWatchdogSource},
      {"weblog",
       "Request counts by status class and method, response time histogram from web server "
       "access logs listed in a logs file",
       false, MakeWeblogSource, WeblogOptions()},
      {"xfrm", "IPsec transformation error counters from /proc/net/xfrm_stat", false,
       MakeXfrmSource},
      {"xfs", "XFS filesystem statistics per device from /sys/fs/xfs/*/stats/stats", true,
       MakeXfsSource},
      {"zfs", "ZFS ARC, pool I/O, dataset and pool state statistics from /proc/spl/kstat/zfs", true,
       MakeZfsSource},
      {"zoneinfo", "Memory zone statistics from /proc/zoneinfo", false, MakeZoneinfoSource},
  };
  return *sources;
}

}  // namespace hostmon::agent
