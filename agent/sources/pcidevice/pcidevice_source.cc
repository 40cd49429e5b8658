// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/pcidevice/pcidevice_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/sysfs_value.h"
#include "agent/sources/pcidevice/pci_ids.h"
#include "agent/sources/pcidevice/pcidevice_parser.h"
#include "common/dir_entries.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{"node_pcidevice_info", kGauge,
                           "Non-numeric data from /sys/bus/pci/devices/<location>, value is always "
                           "1."};
constexpr MetricDesc kMaxLinkTransfers{"node_pcidevice_max_link_transfers_per_second", kGauge,
                                       "Value of maximum link's transfers per second (T/s)"};
constexpr MetricDesc kMaxLinkWidth{"node_pcidevice_max_link_width", kGauge,
                                   "Value of maximum link's width (number of lanes)"};
constexpr MetricDesc kCurrentLinkTransfers{"node_pcidevice_current_link_transfers_per_second",
                                           kGauge,
                                           "Value of current link's transfers per second (T/s)"};
constexpr MetricDesc kCurrentLinkWidth{"node_pcidevice_current_link_width", kGauge,
                                       "Value of current link's width (number of lanes)"};
constexpr MetricDesc kD3coldAllowed{"node_pcidevice_d3cold_allowed", kGauge,
                                    "Whether the PCIe device supports D3cold power state (0/1)."};
constexpr MetricDesc kSriovDriversAutoprobe{
    "node_pcidevice_sriov_drivers_autoprobe", kGauge,
    "Whether SR-IOV drivers autoprobe is enabled for the device (0/1)."};
constexpr MetricDesc kSriovNumvfs{
    "node_pcidevice_sriov_numvfs", kGauge,
    "Number of Virtual Functions (VFs) currently enabled for SR-IOV."};
constexpr MetricDesc kSriovTotalvfs{
    "node_pcidevice_sriov_totalvfs", kGauge,
    "Total number of Virtual Functions (VFs) supported by the device."};
constexpr MetricDesc kSriovVfTotalMsix{"node_pcidevice_sriov_vf_total_msix", kGauge,
                                       "Total number of MSI-X vectors for Virtual Functions."};
constexpr MetricDesc kPowerState{
    "node_pcidevice_power_state", kGauge,
    "PCIe device power state, one of: D0, D1, D2, D3hot, D3cold, unknown or error."};
constexpr MetricDesc kNumaNode{
    "node_pcidevice_numa_node", kGauge,
    "NUMA node number for the PCI device. -1 indicates unknown or not available."};

// Where node_exporter looks for pci.ids without option idsfile (Debian: package pci.ids).
constexpr const char* kPciIdsPaths[] = {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"};

constexpr absl::string_view kPowerStates[] = {"D0",     "D1",      "D2",   "D3hot",
                                              "D3cold", "unknown", "error"};

constexpr int64_t kInt32Min = -2147483648LL, kInt32Max = 2147483647LL;
constexpr int64_t kUint32Max = 4294967295LL, kInt64Max = 9223372036854775807LL;

// One device as read, kept until every device has been read (a bad one exports nothing).
struct Device {
  PciLocationLabels location;
  PciLocationLabels parent;  // "*" each when the parent is a host bridge (pciSSSS:BB)
  std::string class_id, vendor_id, device_id, subsystem_vendor_id, subsystem_device_id, revision;
  double max_speed = -1, current_speed = -1, max_width = -1, current_width = -1;
  double d3cold_allowed = 0, sriov_drivers_autoprobe = 0, sriov_numvfs = 0, sriov_totalvfs = 0,
         sriov_vf_total_msix = 0;
  bool has_numa_node = false;
  double numa_node = -1;
  bool has_power_state = false;
  std::string power_state;
  // With option names: from pci.ids.
  std::string vendor_name, device_name, subsystem_vendor_name, subsystem_device_name, class_name;
};

class PcideviceSource : public Source {
 public:
  // `ids` is null without option names.
  PcideviceSource(const common::FsRoot& fs, std::unique_ptr<const PciIds> ids)
      : dir_(fs.Sys("bus/pci/devices")), ids_(std::move(ids)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &entries_));
    used_ = 0;
    for (const absl::string_view name : entries_.names) {
      if (used_ == devices_.size()) devices_.emplace_back();
      HM_RETURN_IF_ERROR(ReadDevice(name, &devices_[used_]));
      ++used_;
    }
    for (size_t i = 0; i < used_; ++i) Write(devices_[i], out);
    return absl::OkStatus();
  }

 private:
  absl::Status ReadDevice(absl::string_view name, Device* d) {
    path_.assign(dir_);
    absl::StrAppend(&path_, "/", name);
    // The entry is a symlink into the device tree, e.g. ../../../devices/pci0000:00/0000:00:02.1/
    // 0000:01:00.0: its last component is the location, the one before it the parent bridge's.
    link_.resize(4096);
    const ssize_t n = ::readlink(path_.c_str(), link_.data(), link_.size());
    if (n < 0) {
      return absl::InternalError(absl::StrCat(path_, ": readlink: ", std::strerror(errno)));
    }
    link_.resize(static_cast<size_t>(n));
    absl::string_view target = link_;
    while (absl::EndsWith(target, "/")) target.remove_suffix(1);
    const size_t slash = target.rfind('/');
    const absl::string_view base =
        slash == absl::string_view::npos ? target : target.substr(slash + 1);
    absl::string_view parent_dir =
        slash == absl::string_view::npos ? absl::string_view(".") : target.substr(0, slash);
    const size_t parent_slash = parent_dir.rfind('/');
    const absl::string_view parent =
        parent_slash == absl::string_view::npos ? parent_dir : parent_dir.substr(parent_slash + 1);
    PciLocation location;
    if (absl::Status s = ParsePciLocation(base, &location); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path_, ": ", s.message()));
    }
    FormatPciLocation(location, &d->location);
    if (absl::StartsWith(parent, "pci")) {
      d->parent = {"*", "*", "*", "*"};
    } else {
      PciLocation parent_location;
      if (absl::Status s = ParsePciLocation(parent, &parent_location); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(path_, ": parent ", s.message()));
      }
      FormatPciLocation(parent_location, &d->parent);
    }

    HM_RETURN_IF_ERROR(common::ListDir(path_, &files_));
    // Identification: every PCI device has these files.
    const struct {
      absl::string_view file;
      std::string* label;
      absl::PadSpec pad;  // node_exporter's "0x%06x", "0x%04x", "0x%02x"
    } ids[] = {{"class", &d->class_id, absl::kZeroPad6},
               {"vendor", &d->vendor_id, absl::kZeroPad4},
               {"device", &d->device_id, absl::kZeroPad4},
               {"subsystem_vendor", &d->subsystem_vendor_id, absl::kZeroPad4},
               {"subsystem_device", &d->subsystem_device_id, absl::kZeroPad4},
               {"revision", &d->revision, absl::kZeroPad2}};
    for (const auto& id : ids) {
      HM_RETURN_IF_ERROR(Read(name, id.file, /*required=*/true).status());
      uint32_t value = 0;
      HM_RETURN_IF_ERROR(ParsePciId(text_, path_, &value));
      *id.label = absl::StrCat("0x", absl::Hex(value, id.pad));
    }
    if (ids_ != nullptr) {
      ids_->VendorName(d->vendor_id, &scratch_, &d->vendor_name);
      ids_->DeviceName(d->vendor_id, d->device_id, &scratch_, &d->device_name);
      ids_->VendorName(d->subsystem_vendor_id, &scratch_, &d->subsystem_vendor_name);
      ids_->SubsystemName(d->vendor_id, d->device_id, d->subsystem_vendor_id,
                          d->subsystem_device_id, &scratch_, &d->subsystem_device_name);
      ids_->ClassName(d->class_id, &scratch_, &d->class_name);
    }
    return ReadOptional(name, d);
  }

  absl::Status ReadOptional(absl::string_view name, Device* d) {
    bool present = false;
    const struct {
      absl::string_view file;
      double* out;
    } speeds[] = {{"max_link_speed", &d->max_speed}, {"current_link_speed", &d->current_speed}};
    for (const auto& s : speeds) {
      *s.out = -1;
      HM_ASSIGN_OR_RETURN(bool exists, Read(name, s.file, /*required=*/false));
      if (!exists) continue;
      double v = 0;
      HM_RETURN_IF_ERROR(ParsePciLinkSpeed(text_, path_, &present, &v));
      if (present) *s.out = v;
    }
    const struct {
      absl::string_view file;
      int64_t min, max;
      bool unknown_ok;
      double absent;
      double* out;
      bool* has;
    } decimals[] = {
        {"max_link_width", -kInt64Max, kInt64Max, true, -1, &d->max_width, nullptr},
        {"current_link_width", -kInt64Max, kInt64Max, true, -1, &d->current_width, nullptr},
        {"numa_node", kInt32Min, kInt32Max, true, -1, &d->numa_node, &d->has_numa_node},
        {"sriov_drivers_autoprobe", kInt32Min, kInt32Max, false, 0, &d->sriov_drivers_autoprobe,
         nullptr},
        {"sriov_numvfs", 0, kUint32Max, false, 0, &d->sriov_numvfs, nullptr},
        {"sriov_offset", 0, kUint32Max, false, 0, nullptr, nullptr},
        {"sriov_stride", 0, kUint32Max, false, 0, nullptr, nullptr},
        {"sriov_totalvfs", 0, kUint32Max, false, 0, &d->sriov_totalvfs, nullptr},
        {"sriov_vf_total_msix", 0, kInt64Max, false, 0, &d->sriov_vf_total_msix, nullptr},
        {"d3cold_allowed", kInt32Min, kInt32Max, false, 0, &d->d3cold_allowed, nullptr},
    };
    for (const auto& a : decimals) {
      if (a.out != nullptr) *a.out = a.absent;
      if (a.has != nullptr) *a.has = false;
      HM_ASSIGN_OR_RETURN(bool exists, Read(name, a.file, /*required=*/false));
      if (!exists) continue;
      int64_t v = 0;
      HM_RETURN_IF_ERROR(ParsePciDecimal(text_, path_, a.min, a.max, a.unknown_ok, &present, &v));
      if (!present || a.out == nullptr) continue;
      // The two booleans are exported as 0/1 whatever number the file holds.
      const bool boolean = a.out == &d->sriov_drivers_autoprobe || a.out == &d->d3cold_allowed;
      *a.out = boolean ? (v != 0 ? 1 : 0) : static_cast<double>(v);
      if (a.has != nullptr) *a.has = true;
    }
    // Parsed (a bad value fails the device, as in node_exporter) but not exported.
    HM_ASSIGN_OR_RETURN(bool vf_device, Read(name, "sriov_vf_device", /*required=*/false));
    if (vf_device) {
      uint32_t ignored = 0;
      HM_RETURN_IF_ERROR(ParsePciHex(text_, path_, &present, &ignored));
    }
    d->has_power_state = false;
    HM_ASSIGN_OR_RETURN(bool power, Read(name, "power_state", /*required=*/false));
    if (power) {
      const absl::string_view state = SysfsAttributeText(text_);
      d->has_power_state = !state.empty();
      d->power_state.assign(state.data(), state.size());
    }
    return absl::OkStatus();
  }

  // Reads <dir>/<device>/<file> into text_ (path_ names it); false when the device has no such
  // file (files_ lists the device's directory), an error when a required one is missing.
  absl::StatusOr<bool> Read(absl::string_view device, absl::string_view file, bool required) {
    path_.assign(dir_);
    absl::StrAppend(&path_, "/", device, "/", file);
    if (!std::binary_search(files_.names.begin(), files_.names.end(), file)) {
      if (required) return absl::NotFoundError(absl::StrCat(path_, ": no such file"));
      return false;
    }
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (!required && absl::IsNotFound(s)) return false;
    HM_RETURN_IF_ERROR(s);
    return true;
  }

  void Write(const Device& d, SampleWriter& out) const {
    const LabelRef location[] = {{"bus", d.location.bus},
                                 {"device", d.location.device},
                                 {"function", d.location.function},
                                 {"segment", d.location.segment}};
    // node_exporter adds the *_name labels only with its names option; one sorted list serves
    // both, the name labels skipped without an ids file.
    const struct {
      LabelRef label;
      bool is_name;
    } all[] = {{{"bus", d.location.bus}, false},
               {{"class_id", d.class_id}, false},
               {{"class_name", d.class_name}, true},
               {{"device", d.location.device}, false},
               {{"device_id", d.device_id}, false},
               {{"device_name", d.device_name}, true},
               {{"function", d.location.function}, false},
               {{"parent_bus", d.parent.bus}, false},
               {{"parent_device", d.parent.device}, false},
               {{"parent_function", d.parent.function}, false},
               {{"parent_segment", d.parent.segment}, false},
               {{"revision", d.revision}, false},
               {{"segment", d.location.segment}, false},
               {{"subsystem_device_id", d.subsystem_device_id}, false},
               {{"subsystem_device_name", d.subsystem_device_name}, true},
               {{"subsystem_vendor_id", d.subsystem_vendor_id}, false},
               {{"subsystem_vendor_name", d.subsystem_vendor_name}, true},
               {{"vendor_id", d.vendor_id}, false},
               {{"vendor_name", d.vendor_name}, true}};
    LabelRef info[std::size(all)];
    size_t n = 0;
    for (const auto& l : all) {
      if (ids_ != nullptr || !l.is_name) info[n++] = l.label;
    }
    out.Add(kInfo, LabelSpan(info, n), 1);
    out.Add(kMaxLinkTransfers, location, d.max_speed);
    out.Add(kMaxLinkWidth, location, d.max_width);
    out.Add(kCurrentLinkTransfers, location, d.current_speed);
    out.Add(kCurrentLinkWidth, location, d.current_width);
    out.Add(kD3coldAllowed, location, d.d3cold_allowed);
    out.Add(kSriovDriversAutoprobe, location, d.sriov_drivers_autoprobe);
    out.Add(kSriovNumvfs, location, d.sriov_numvfs);
    out.Add(kSriovTotalvfs, location, d.sriov_totalvfs);
    out.Add(kSriovVfTotalMsix, location, d.sriov_vf_total_msix);
    if (d.has_power_state) {
      for (const absl::string_view state : kPowerStates) {
        const LabelRef labels[] = {
            location[0], location[1], location[2], location[3], {"state", state}};
        out.Add(kPowerState, labels, state == d.power_state ? 1 : 0);
      }
    }
    // -1 is the kernel's "no NUMA affinity"; node_exporter leaves it out like a missing file.
    if (d.has_numa_node && d.numa_node != -1) out.Add(kNumaNode, location, d.numa_node);
  }

  std::string dir_;
  std::unique_ptr<const PciIds> ids_;
  std::string scratch_;         // pci.ids lookup keys
  common::DirListing entries_;  // reused: no allocation in steady state
  common::DirListing files_;    // of the device being read; sorted
  std::vector<Device> devices_;
  size_t used_ = 0;
  std::string path_;
  std::string link_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakePcideviceSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(bool names, ctx.Bool("names"));
  std::unique_ptr<const PciIds> ids;
  if (names) {
    // As node_exporter: the file named by idsfile, else the first of the usual places that
    // opens. Without one every name is its id (a class "Unknown class (<id>)"), logged once.
    const std::string idsfile = ctx.Option("idsfile");
    const std::vector<std::string> candidates =
        idsfile.empty() ? std::vector<std::string>(std::begin(kPciIdsPaths), std::end(kPciIdsPaths))
                        : std::vector<std::string>{idsfile};
    std::string text;
    absl::Status read = absl::NotFoundError("no pci.ids");
    for (const std::string& path : candidates) {
      read = common::ReadFileTo(path, &text);
      if (read.ok()) break;
    }
    if (!read.ok()) {
      common::log::Warn("pcidevice: no PCI ID database, names are ids",
                        common::log::Kv("err", read.message()));
    }
    ids = std::make_unique<const PciIds>(PciIds::Parse(read.ok() ? text : ""));
  }
  return std::make_unique<PcideviceSource>(*ctx.fs, std::move(ids));
}

std::vector<SourceOption> PcideviceOptions() {
  return {{"names", "false", "Enable PCI device name resolution (requires pci.ids file)."},
          {"idsfile", "",
           "Path to pci.ids file to use for PCI device identification (default: "
           "/usr/share/misc/pci.ids, else /usr/share/hwdata/pci.ids)."}};
}

}  // namespace hostmon::agent
