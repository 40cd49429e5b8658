// SPDX-License-Identifier: Apache-2.0
//
// The PCI ID database (pci.ids, https://pci-ids.ucw.cz; Debian's pci.ids package installs
// /usr/share/misc/pci.ids): vendors with their devices and subsystems, then device classes with
// subclasses and programming interfaces, names separated from ids by two spaces:
//   1022  Advanced Micro Devices, Inc. [AMD]
//   <TAB>1634  Renoir/Cezanne PCIe GPP Bridge
//   <TAB><TAB>17aa 5095  ThinkPad ...
//   C 01  Mass storage controller
//   <TAB>08  Non-Volatile memory controller
//   <TAB><TAB>02  NVM Express
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

class PciIds {
 public:
  // Parses the file as node_exporter's pcidevice collector does (loadPCIIds): lines it cannot
  // read are skipped, so any text gives a (possibly empty) database.
  static PciIds Parse(absl::string_view text);

  // node_exporter's lookups, given its label values ("0x1022", "0x060400"); each returns the id
  // without "0x" when the name is unknown (the class: "Unknown class (<id>)"). `scratch` is reused
  // for the lookup key, so a steady-state lookup does not allocate.
  void VendorName(absl::string_view vendor_id, std::string* scratch, std::string* out) const;
  void DeviceName(absl::string_view vendor_id, absl::string_view device_id, std::string* scratch,
                  std::string* out) const;
  void SubsystemName(absl::string_view vendor_id, absl::string_view device_id,
                     absl::string_view subsystem_vendor_id, absl::string_view subsystem_device_id,
                     std::string* scratch, std::string* out) const;
  void ClassName(absl::string_view class_id, std::string* scratch, std::string* out) const;

  size_t size() const {
    return vendors_.size() + devices_.size() + subsystems_.size() + classes_.size() +
           subclasses_.size() + prog_ifs_.size();
  }

 private:
  // Keys: vendor "1022"; device "1022:1634"; subsystem "1022:1634:17aa:5095"; class "01",
  // subclass "0108", programming interface "010802".
  absl::flat_hash_map<std::string, std::string> vendors_, devices_, subsystems_, classes_,
      subclasses_, prog_ifs_;
};

}  // namespace hostmon::agent
