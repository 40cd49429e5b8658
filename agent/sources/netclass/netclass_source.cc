// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netclass/netclass_source.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/netclass/netclass_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"
#include "re2/re2.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kUp{"node_network_up", kGauge,
                         "Value is 1 if operstate is 'up', 0 otherwise."};
constexpr MetricDesc kInfo{"node_network_info", kGauge,
                           "Non-numeric data from /sys/class/net/<iface>, value is always 1."};
constexpr MetricDesc kSpeed{"node_network_speed_bytes", kGauge,
                            "Network device property: speed_bytes"};

// Attribute files that exist but cannot be read on this device (speed or duplex of a link that
// is down: EINVAL; phys_port_name: EOPNOTSUPP; root-only files: EACCES) are skipped, as
// node_exporter's procfs does. ReadFileTo reports them by strerror text.
bool IsUnreadable(const absl::Status& status) {
  if (absl::IsNotFound(status)) return true;
  for (int err : {EINVAL, EOPNOTSUPP, EACCES, EPERM}) {
    if (absl::EndsWith(status.message(), std::strerror(err))) return true;
  }
  return false;
}

enum StringFile { kAddress, kBroadcast, kDuplex, kIfAlias, kOperState, kStringFiles };
constexpr std::array<absl::string_view, kStringFiles> kStringFileNames = {
    "address", "broadcast", "duplex", "ifalias", "operstate"};

class NetclassSource : public Source {
 public:
  NetclassSource(const common::FsRoot& fs, ListDirsFn list_dirs, std::unique_ptr<RE2> ignored,
                 bool ignore_invalid_speed)
      : dir_(fs.Sys("class/net")),
        list_dirs_(std::move(list_dirs)),
        ignored_(std::move(ignored)),
        ignore_invalid_speed_(ignore_invalid_speed) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(list_dirs_(dir_, &ifaces_));
    // node_exporter reports interfaces in directory order, which Go sorts by name.
    std::sort(ifaces_.begin(), ifaces_.end());
    // Interfaces come and go (containers' veths); forget stale absent paths now and then.
    if (absent_.size() > 64 * (ifaces_.size() + 1)) absent_.clear();
    for (const std::string& iface : ifaces_) {
      if (ignored_ != nullptr && RE2::PartialMatch(iface, *ignored_)) continue;
      HM_RETURN_IF_ERROR(CollectIface(iface, out));
    }
    return absl::OkStatus();
  }

 private:
  // Reads <dir>/<iface>/<file> into *text; false when it is absent or unreadable.
  absl::StatusOr<bool> Read(const std::string& iface, absl::string_view file, std::string* text) {
    path_.clear();
    absl::StrAppend(&path_, dir_, "/", iface, "/", file);
    // A file that was absent last time is checked with access() first: a failed ReadFileTo
    // costs an allocated error Status, and absent attributes are the same on every scrape.
    const bool was_absent = absent_.contains(path_);
    if (was_absent && ::access(path_.c_str(), F_OK) != 0) return false;
    absl::Status status = common::ReadFileTo(path_, text);
    if (status.ok()) {
      if (was_absent) absent_.erase(path_);
      return true;
    }
    if (absl::IsNotFound(status)) {
      if (!was_absent) absent_.insert(path_);
      return false;
    }
    if (IsUnreadable(status)) return false;
    return status;
  }

  absl::Status CollectIface(const std::string& iface, SampleWriter& out) {
    std::array<absl::string_view, kStringFiles> strings{};
    for (int i = 0; i < kStringFiles; ++i) {
      HM_ASSIGN_OR_RETURN(bool found, Read(iface, kStringFileNames[i], &string_text_[i]));
      strings[i] = found ? NetClassString(string_text_[i]) : absl::string_view();
    }
    // flags is read before the info series, whose adminstate label comes from its IFF_UP bit.
    int64_t flags = 0;
    HM_ASSIGN_OR_RETURN(const bool has_flags, Read(iface, "flags", &text_));
    if (has_flags) HM_RETURN_IF_ERROR(ParseNetClassNumber(text_, path_, &flags));
    const LabelRef device[] = {{"device", iface}};
    out.Add(kUp, device, strings[kOperState] == "up" ? 1 : 0);
    const LabelRef info[] = {
        {"address", strings[kAddress]},     {"adminstate", NetClassAdminState(has_flags, flags)},
        {"broadcast", strings[kBroadcast]}, {"device", iface},
        {"duplex", strings[kDuplex]},       {"ifalias", strings[kIfAlias]},
        {"operstate", strings[kOperState]}};
    out.Add(kInfo, info, 1);

    int64_t value;
    for (const NetClassNumeric& n : kNetClassNumericFiles) {
      if (n.file == "flags") {
        if (has_flags) out.Add(n.desc, device, static_cast<double>(flags));
        continue;
      }
      HM_ASSIGN_OR_RETURN(bool found, Read(iface, n.file, &text_));
      if (!found) continue;
      HM_RETURN_IF_ERROR(ParseNetClassNumber(text_, path_, &value));
      out.Add(n.desc, device, static_cast<double>(value));
    }
    HM_ASSIGN_OR_RETURN(bool found, Read(iface, "speed", &text_));
    if (found) {
      HM_RETURN_IF_ERROR(ParseNetClassNumber(text_, path_, &value));
      // Drivers that do not know the speed say -1; node_exporter 1.5.0 still exports it (as
      // -125000) unless --collector.netclass.ignore-invalid-speed.
      if (value >= 0 || !ignore_invalid_speed_) {
        out.Add(kSpeed, device, static_cast<double>(value * 1000 * 1000 / 8));
      }
    }
    return absl::OkStatus();
  }

  std::string dir_;
  ListDirsFn list_dirs_;
  std::unique_ptr<RE2> ignored_;
  bool ignore_invalid_speed_;
  std::vector<std::string> ifaces_;
  // Attribute paths that did not exist at the last read (see Read). Bounded by the interfaces
  // times the attribute files; entries of vanished interfaces are dropped when it grows large.
  absl::flat_hash_set<std::string> absent_;
  std::string path_;  // reused buffers: no allocation per file in steady state
  std::string text_;
  std::array<std::string, kStringFiles> string_text_;
};

}  // namespace

absl::Status ListSubdirectories(const std::string& dir, std::vector<std::string>* names) {
  size_t count = 0;
  HM_RETURN_IF_ERROR(common::ForEachDirEntry(dir, [&](const common::DirEntry& e) {
    // /sys/class/net entries are symlinks into /sys/devices; plain files such as
    // bonding_masters are not interfaces.
    if (!e.IsDirectory()) return;
    if (names->size() <= count) names->emplace_back();
    (*names)[count++].assign(e.name().data(), e.name().size());  // reuses the string's capacity
  }));
  names->resize(count);
  return absl::OkStatus();
}

absl::StatusOr<SourcePtr> MakeNetclassSourceWithLister(const SourceContext& ctx,
                                                       ListDirsFn list_dirs) {
  // An empty pattern ignores nothing, as node_exporter's default "^$".
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> ignored, ctx.Regex("ignored-devices"));
  HM_ASSIGN_OR_RETURN(bool ignore_invalid_speed, ctx.Bool("ignore-invalid-speed"));
  return std::make_unique<NetclassSource>(*ctx.fs, std::move(list_dirs), std::move(ignored),
                                          ignore_invalid_speed);
}

absl::StatusOr<SourcePtr> MakeNetclassSource(const SourceContext& ctx) {
  return MakeNetclassSourceWithLister(ctx, ListSubdirectories);
}

}  // namespace hostmon::agent
