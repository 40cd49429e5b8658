// SPDX-License-Identifier: Apache-2.0
//
// THE list of sources compiled into the agent. Adding a source = one folder under
// agent/sources/<name>/ (parser + source) and one entry here.
#include "agent/source_registry.h"
#include "agent/sources/cpu/cpu_source.h"
#include "agent/sources/cpufreq/cpufreq_source.h"
#include "agent/sources/entropy/entropy_source.h"
#include "agent/sources/filefd/filefd_source.h"
#include "agent/sources/interrupts/interrupts_source.h"
#include "agent/sources/loadavg/loadavg_source.h"
#include "agent/sources/meminfo/meminfo_source.h"
#include "agent/sources/os/os_source.h"
#include "agent/sources/pressure/pressure_source.h"
#include "agent/sources/processes/processes_source.h"
#include "agent/sources/schedstat/schedstat_source.h"
#include "agent/sources/stat/stat_source.h"
#include "agent/sources/time/time_source.h"
#include "agent/sources/timex/timex_source.h"
#include "agent/sources/uname/uname_source.h"
#include "agent/sources/vmstat/vmstat_source.h"

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
      {"cpufreq", "CPU frequencies from /sys/devices/system/cpu/cpu*/cpufreq", true,
       Factory<MakeCpufreqSource>},
      {"entropy", "Available entropy from /proc/sys/kernel/random", true,
       Factory<MakeEntropySource>},
      {"filefd", "File handle counts from /proc/sys/fs/file-nr", true, Factory<MakeFilefdSource>},
      {"interrupts", "Interrupt counts per CPU and IRQ from /proc/interrupts", false,
       Factory<MakeInterruptsSource>},
      {"loadavg", "Load averages from /proc/loadavg", true, Factory<MakeLoadavgSource>},
      {"meminfo", "Memory statistics from /proc/meminfo", true, Factory<MakeMeminfoSource>},
      {"os", "OS identification from /etc/os-release", true, Factory<MakeOsSource>},
      {"pressure", "Pressure stall information from /proc/pressure", true,
       Factory<MakePressureSource>},
      {"processes", "Process and thread counts by state from /proc/<pid>/stat", false,
       Factory<MakeProcessesSource>},
      {"schedstat", "Per-CPU scheduler statistics from /proc/schedstat", true,
       Factory<MakeSchedstatSource>},
      {"stat", "Boot time, context switches, forks, interrupts from /proc/stat", true,
       Factory<MakeStatSource>},
      {"time", "System time, time zone and clocksources", true, Factory<MakeTimeSource>},
      {"timex", "Kernel clock synchronisation state from adjtimex(2)", true,
       Factory<MakeTimexSource>},
      {"uname", "Kernel and host identification from uname(2)", true, Factory<MakeUnameSource>},
      {"vmstat",
       "Virtual memory counters from /proc/vmstat",
       true,
       MakeVmstatSource,
       {{"fields", kVmstatDefaultFields,
         "Regex (RE2) of /proc/vmstat fields to export, as --collector.vmstat.fields"}}},
  };
  return *sources;
}

}  // namespace hostmon::agent
