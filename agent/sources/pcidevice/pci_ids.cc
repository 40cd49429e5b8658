// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/pcidevice/pci_ids.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// Go's strings.SplitN(line, "  ", 2), both parts trimmed; false when there is no "  ".
bool SplitIdName(absl::string_view line, absl::string_view* id, absl::string_view* name) {
  const size_t sep = line.find("  ");
  if (sep == absl::string_view::npos) return false;
  *id = absl::StripAsciiWhitespace(line.substr(0, sep));
  *name = absl::StripAsciiWhitespace(line.substr(sep + 2));
  return true;
}

absl::string_view StripHexPrefix(absl::string_view id) {
  absl::ConsumePrefix(&id, "0x");
  return id;
}

void Lookup(const absl::flat_hash_map<std::string, std::string>& map, absl::string_view key,
            absl::string_view fallback, std::string* out) {
  const auto it = map.find(key);
  if (it != map.end()) {
    out->assign(it->second);
  } else {
    out->assign(fallback.data(), fallback.size());
  }
}

void AppendLower(absl::string_view text, std::string* out) {
  for (const char c : text) out->push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
}

}  // namespace

PciIds PciIds::Parse(absl::string_view text) {
  PciIds ids;
  std::string vendor, device, base_class, subclass;
  bool in_class = false;
  absl::string_view line;
  absl::string_view id, name;
  while (common::NextLine(&text, &line)) {
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    const bool tab = absl::StartsWith(line, "\t");
    const bool tab2 = absl::StartsWith(line, "\t\t");
    const bool tab3 = absl::StartsWith(line, "\t\t\t");
    if (absl::StartsWith(line, "C ")) {
      if (SplitIdName(line, &id, &name)) {
        // parts[0] without its "C", trimmed.
        base_class = std::string(absl::StripAsciiWhitespace(line.substr(1, line.find("  ") - 1)));
        ids.classes_[base_class] = std::string(name);
        in_class = true;
      }
      continue;
    }
    if (tab && !tab2 && in_class) {
      if (SplitIdName(line.substr(1), &id, &name) && !base_class.empty()) {
        subclass = absl::StrCat(base_class, id);
        ids.subclasses_[subclass] = std::string(name);
      }
      continue;
    }
    if (tab2 && !tab3 && in_class) {
      if (SplitIdName(line.substr(2), &id, &name) && !subclass.empty()) {
        ids.prog_ifs_[absl::StrCat(subclass, id)] = std::string(name);
      }
      continue;
    }
    if (!tab) {
      if (SplitIdName(line, &id, &name)) {
        vendor = std::string(id);
        ids.vendors_[vendor] = std::string(name);
        device.clear();
        in_class = false;
      }
      continue;
    }
    if (!tab2) {
      if (SplitIdName(line.substr(1), &id, &name) && !vendor.empty()) {
        device = std::string(id);
        ids.devices_[absl::StrCat(vendor, ":", device)] = std::string(name);
      }
      continue;
    }
    if (SplitIdName(line.substr(2), &id, &name) && !vendor.empty() && !device.empty()) {
      // "17aa 5095" -> "17aa:5095"
      const std::vector<absl::string_view> parts =
          absl::StrSplit(id, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (parts.size() == 2) {
        ids.subsystems_[absl::StrCat(vendor, ":", device, ":", parts[0], ":", parts[1])] =
            std::string(name);
      }
    }
  }
  return ids;
}

void PciIds::VendorName(absl::string_view vendor_id, std::string* scratch, std::string* out) const {
  scratch->clear();
  AppendLower(StripHexPrefix(vendor_id), scratch);
  Lookup(vendors_, *scratch, *scratch, out);
}

void PciIds::DeviceName(absl::string_view vendor_id, absl::string_view device_id,
                        std::string* scratch, std::string* out) const {
  scratch->clear();
  AppendLower(StripHexPrefix(vendor_id), scratch);
  scratch->push_back(':');
  const size_t device_start = scratch->size();
  AppendLower(StripHexPrefix(device_id), scratch);
  Lookup(devices_, *scratch, absl::string_view(*scratch).substr(device_start), out);
}

void PciIds::SubsystemName(absl::string_view vendor_id, absl::string_view device_id,
                           absl::string_view subsystem_vendor_id,
                           absl::string_view subsystem_device_id, std::string* scratch,
                           std::string* out) const {
  // node_exporter does not lower-case these ids; the labels it builds them from are lower case.
  scratch->clear();
  const absl::string_view subsystem_device = StripHexPrefix(subsystem_device_id);
  absl::StrAppend(scratch, StripHexPrefix(vendor_id), ":", StripHexPrefix(device_id), ":",
                  StripHexPrefix(subsystem_vendor_id), ":", subsystem_device);
  Lookup(subsystems_, *scratch, subsystem_device, out);
}

void PciIds::ClassName(absl::string_view class_id, std::string* scratch, std::string* out) const {
  scratch->clear();
  AppendLower(StripHexPrefix(class_id), scratch);
  const absl::string_view id = *scratch;
  const struct {
    size_t len;
    const absl::flat_hash_map<std::string, std::string>* map;
  } levels[] = {{6, &prog_ifs_}, {4, &subclasses_}, {2, &classes_}};
  for (const auto& level : levels) {
    if (id.size() < level.len) continue;
    const auto it = level.map->find(id.substr(0, level.len));
    if (it != level.map->end()) {
      out->assign(it->second);
      return;
    }
  }
  out->assign("Unknown class (");
  out->append(id.data(), id.size());
  out->push_back(')');
}

}  // namespace hostmon::agent
