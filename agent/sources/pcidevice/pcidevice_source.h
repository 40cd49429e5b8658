// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

// The PCI devices of /sys/bus/pci/devices, as node_exporter 1.12's pcidevice collector (off by
// default there and here): node_pcidevice_info{segment,bus,device,function,parent_*,class_id,
// vendor_id,device_id,subsystem_vendor_id,subsystem_device_id,revision} 1 and per device
// node_pcidevice_{max,current}_link_{transfers_per_second,width} (-1 when unknown),
// node_pcidevice_{d3cold_allowed,sriov_drivers_autoprobe,sriov_numvfs,sriov_totalvfs,
// sriov_vf_total_msix} (0 when absent), node_pcidevice_power_state{state} (when the kernel has
// power_state) and node_pcidevice_numa_node (when known). A device that cannot be read fails the
// whole collection with nothing exported, as node_exporter. NotFound without the directory.
// With option names the info series also has vendor_name, device_name, subsystem_vendor_name,
// subsystem_device_name and class_name from pci.ids (option idsfile), read once.
absl::StatusOr<SourcePtr> MakePcideviceSource(const SourceContext& ctx);

// names (default false), idsfile.
std::vector<SourceOption> PcideviceOptions();

}  // namespace hostmon::agent
