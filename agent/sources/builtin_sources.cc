// SPDX-License-Identifier: Apache-2.0
//
// THE list of sources compiled into the agent. Adding a source = one folder under
// agent/sources/<name>/ (parser + source) and one entry here.
#include "agent/source_registry.h"
#include "agent/sources/cpu/cpu_source.h"
#include "agent/sources/edac/edac_source.h"
#include "agent/sources/hwmon/hwmon_source.h"
#include "agent/sources/loadavg/loadavg_source.h"
#include "agent/sources/meminfo/meminfo_source.h"
#include "agent/sources/powersupplyclass/powersupplyclass_source.h"
#include "agent/sources/rapl/rapl_source.h"
#include "agent/sources/textfile/textfile_source.h"
#include "agent/sources/thermal_zone/thermal_zone_source.h"

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
      {"edac", "Memory controller error counters from /sys/devices/system/edac", true,
       Factory<MakeEdacSource>},
      {"hwmon", "Hardware sensors (temperature, fan, voltage, power) from /sys/class/hwmon", true,
       Factory<MakeHwmonSource>},
      {"loadavg", "Load averages from /proc/loadavg", true, Factory<MakeLoadavgSource>},
      {"meminfo", "Memory statistics from /proc/meminfo", true, Factory<MakeMeminfoSource>},
      {"powersupplyclass", "Power supplies and batteries from /sys/class/power_supply", true,
       Factory<MakePowerSupplyClassSource>},
      {"rapl", "RAPL energy counters from /sys/class/powercap", true, Factory<MakeRaplSource>},
      {"textfile",
       "Samples from *.prom files in a directory (node_exporter's textfile)",
       true,
       Factory<MakeTextfileSource>,
       {{"directory", "", "Directory (or glob) of *.prom files; empty reads nothing"}}},
      {"thermal_zone",
       "Thermal zone temperatures and cooling device states from /sys/class/thermal", true,
       Factory<MakeThermalZoneSource>},
  };
  return *sources;
}

}  // namespace hostmon::agent
