// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netclass/netclass_source.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/container/flat_hash_map.h"
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

// The string attributes read every collection (duplex, ifalias and operstate change with the
// link or by command; address and broadcast are in FixedAttrs).
enum StringFile { kDuplex, kIfAlias, kOperState, kStringFiles };
constexpr std::array<absl::string_view, kStringFiles> kStringFileNames = {"duplex", "ifalias",
                                                                          "operstate"};

// An interface's attributes that do not change while it exists (kNetClassFixed), plus its address
// and broadcast (changed only by `ip link set address`), as of their last read.
struct FixedAttrs {
  // The ifindex at that read: a different one means the interface was re-created under the same
  // name (the kernel does not reuse an index soon), so the attributes are read again at once.
  bool has_ifindex = false;
  int64_t ifindex = 0;
  absl::Time read_at;
  std::string address;  // white space trimmed; "" when the file is absent or unreadable
  std::string broadcast;
  std::array<bool, kNetClassNumerics> found{};  // per kNetClassNumericFiles entry; fixed ones only
  std::array<int64_t, kNetClassNumerics> value{};
};

class NetclassSource : public Source {
 public:
  NetclassSource(const common::FsRoot& fs, ListDirsFn list_dirs, std::unique_ptr<RE2> ignored,
                 bool ignore_invalid_speed, const common::Clock* clock)
      : dir_(fs.Sys("class/net")),
        list_dirs_(std::move(list_dirs)),
        ignored_(std::move(ignored)),
        ignore_invalid_speed_(ignore_invalid_speed),
        clock_(clock) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(list_dirs_(dir_, &ifaces_));
    // node_exporter reports interfaces in directory order, which Go sorts by name.
    std::sort(ifaces_.begin(), ifaces_.end());
    // Interfaces that are gone are forgotten, so the cache holds at most the listed interfaces
    // (containers' veths come and go); one that appears is read at this collection.
    absl::erase_if(fixed_, [this](const auto& entry) {
      return !std::binary_search(ifaces_.begin(), ifaces_.end(), entry.first);
    });
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

  // The interface's FixedAttrs: the cached ones unless they are kNetclassRefresh old or the
  // interface was re-created; otherwise read now. A failed read is not cached.
  absl::StatusOr<const FixedAttrs*> Fixed(const std::string& iface, bool has_ifindex,
                                          int64_t ifindex) {
    const absl::Time now = clock_->Now();
    auto [it, inserted] = fixed_.try_emplace(iface);
    FixedAttrs& f = it->second;
    if (!inserted && f.has_ifindex == has_ifindex && f.ifindex == ifindex &&
        now - f.read_at < kNetclassRefresh) {
      return &f;
    }
    absl::Status status = ReadFixed(iface, f);
    if (!status.ok()) {
      fixed_.erase(it);
      return status;
    }
    f.has_ifindex = has_ifindex;
    f.ifindex = ifindex;
    f.read_at = now;
    return &f;
  }

  absl::Status ReadFixed(const std::string& iface, FixedAttrs& f) {
    const std::pair<absl::string_view, std::string*> strings[] = {{"address", &f.address},
                                                                  {"broadcast", &f.broadcast}};
    for (const auto& [file, out] : strings) {
      HM_ASSIGN_OR_RETURN(const bool found, Read(iface, file, &text_));
      const absl::string_view value = found ? NetClassString(text_) : absl::string_view();
      out->assign(value.data(), value.size());
    }
    for (int i = 0; i < kNetClassNumerics; ++i) {
      const NetClassNumeric& n = kNetClassNumericFiles[i];
      if (n.change != kNetClassFixed) continue;
      HM_ASSIGN_OR_RETURN(f.found[i], Read(iface, n.file, &text_));
      if (f.found[i]) HM_RETURN_IF_ERROR(ParseNetClassNumber(text_, path_, &f.value[i]));
    }
    return absl::OkStatus();
  }

  absl::Status CollectIface(const std::string& iface, SampleWriter& out) {
    int64_t ifindex = 0;
    HM_ASSIGN_OR_RETURN(const bool has_ifindex, Read(iface, "ifindex", &text_));
    if (has_ifindex) HM_RETURN_IF_ERROR(ParseNetClassNumber(text_, path_, &ifindex));
    HM_ASSIGN_OR_RETURN(const FixedAttrs* fixed, Fixed(iface, has_ifindex, ifindex));
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
        {"address", fixed->address},       {"adminstate", NetClassAdminState(has_flags, flags)},
        {"broadcast", fixed->broadcast},   {"device", iface},
        {"duplex", strings[kDuplex]},      {"ifalias", strings[kIfAlias]},
        {"operstate", strings[kOperState]}};
    out.Add(kInfo, info, 1);

    int64_t value;
    for (int i = 0; i < kNetClassNumerics; ++i) {
      const NetClassNumeric& n = kNetClassNumericFiles[i];
      if (n.change == kNetClassFixed) {
        if (fixed->found[i]) out.Add(n.desc, device, static_cast<double>(fixed->value[i]));
        continue;
      }
      if (n.file == "flags" || n.file == "ifindex") {  // read above
        const bool is_flags = n.file == "flags";
        if (is_flags ? has_flags : has_ifindex) {
          out.Add(n.desc, device, static_cast<double>(is_flags ? flags : ifindex));
        }
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
  const common::Clock* clock_;
  std::vector<std::string> ifaces_;
  // Per listed interface that is not ignored (entries of vanished ones are dropped each
  // collection).
  absl::flat_hash_map<std::string, FixedAttrs> fixed_;
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
                                                       ListDirsFn list_dirs,
                                                       const common::Clock* clock) {
  // An empty pattern ignores nothing, as node_exporter's default "^$".
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> ignored, ctx.Regex("ignored-devices"));
  HM_ASSIGN_OR_RETURN(bool ignore_invalid_speed, ctx.Bool("ignore-invalid-speed"));
  return std::make_unique<NetclassSource>(*ctx.fs, std::move(list_dirs), std::move(ignored),
                                          ignore_invalid_speed, clock);
}

absl::StatusOr<SourcePtr> MakeNetclassSource(const SourceContext& ctx) {
  return MakeNetclassSourceWithLister(ctx, ListSubdirectories);
}

}  // namespace hostmon::agent
