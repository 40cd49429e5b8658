// SPDX-License-Identifier: Apache-2.0
//
// The attributes of a PCI device in /sys/bus/pci/devices/<location>/ (drivers/pci/pci-sysfs.c,
// Documentation/PCI/sysfs-pci.rst), one value per file:
//   class 0x060400, vendor 0x1022, device 0x1634, subsystem_vendor, subsystem_device, revision
//   max_link_speed / current_link_speed "8.0 GT/s PCIe" (drivers/pci/probe.c pci_speed_string;
//     "Unknown" when the link is down), max_link_width / current_link_width "4", numa_node "-1"
//   sriov_numvfs, sriov_totalvfs, ... (SR-IOV capable devices), d3cold_allowed "1",
//   power_state "D0" (Linux 6.x)
// and the device's location "0000:00:02.1" (segment:bus:device.function, hexadecimal), the name
// of its directory below the parent bridge's.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct PciLocation {
  uint32_t segment = 0, bus = 0, device = 0, function = 0;
};

// "0000:00:02.1" -> the four numbers, as node_exporter's procfs parses it (hexadecimal, each
// below 2^31). InvalidArgument naming the text otherwise.
absl::Status ParsePciLocation(absl::string_view text, PciLocation* out);

// The label values node_exporter gives a location: "%04x", "%02x", "%02x", "%x".
struct PciLocationLabels {
  std::string segment, bus, device, function;
};
void FormatPciLocation(const PciLocation& location, PciLocationLabels* out);

// An identification attribute (class, vendor, ...): Go's strconv.ParseInt(text, 0, 32) of the
// trimmed first 128 bytes. `file` names the attribute in the error.
absl::Status ParsePciId(absl::string_view file_text, absl::string_view file, uint32_t* out);

// A link speed "8.0 GT/s PCIe" in transfers per second (8e9). *present is false (and no error)
// for an empty value or one starting "Unknown"; any other value that is not "<number> GT/s PCIe"
// is an error naming `file`.
absl::Status ParsePciLinkSpeed(absl::string_view file_text, absl::string_view file, bool* present,
                               double* out);

// A decimal attribute (link width, numa_node, SR-IOV counts, d3cold_allowed) in [min, max].
// *present is false (and no error) for an empty value, and, with unknown_ok (the link and NUMA
// attributes, as node_exporter), for one starting "Unknown".
absl::Status ParsePciDecimal(absl::string_view file_text, absl::string_view file, int64_t min,
                             int64_t max, bool unknown_ok, bool* present, int64_t* out);

// sriov_vf_device, hexadecimal without "0x" ("10ca"): node_exporter's procfs parses it (and fails
// on a bad one) without exporting it.
absl::Status ParsePciHex(absl::string_view file_text, absl::string_view file, bool* present,
                         uint32_t* out);

}  // namespace hostmon::agent
