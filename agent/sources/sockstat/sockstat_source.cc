// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/sockstat/sockstat_source.h"

#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/sockstat/sockstat_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kSocketsUsed{"node_sockstat_sockets_used", kGauge,
                                  "Number of IPv4 sockets in use."};

// The keys node_exporter's procfs knows; anything else a kernel adds is not exported by it.
bool IsKnownKey(absl::string_view key) {
  return key == "inuse" || key == "orphan" || key == "tw" || key == "alloc" || key == "mem" ||
         key == "memory";
}

class SockstatSource : public Source {
 public:
  SockstatSource(const common::FsRoot& fs, std::function<int64_t()> page_size)
      : path4_(fs.Proc("net/sockstat")),
        path6_(fs.Proc("net/sockstat6")),
        page_size_(std::move(page_size)) {}

  absl::Status Collect(SampleWriter& out) override {
    values_.clear();
    // Either file may be missing (no IPv6, or a stripped-down kernel); node_exporter skips a
    // missing one. With neither there is nothing to report.
    bool found = false;
    for (const std::string* path : {&path4_, &path6_}) {
      absl::Status status = common::ReadFileTo(*path, &(path == &path4_ ? text4_ : text6_));
      if (absl::IsNotFound(status)) continue;
      HM_RETURN_IF_ERROR(status);
      found = true;
      HM_RETURN_IF_ERROR(
          ParseSockstat(path == &path4_ ? text4_ : text6_,
                        path == &path4_ ? "/proc/net/sockstat" : "/proc/net/sockstat6", &values_));
    }
    if (!found) return absl::NotFoundError(absl::StrCat(path4_, " and ", path6_, " do not exist"));
    for (const SockstatValue& v : values_) {
      if (v.protocol == "sockets") {
        if (v.key == "used") out.Add(kSocketsUsed, {}, static_cast<double>(v.value));
        continue;
      }
      if (!IsKnownKey(v.key)) continue;
      Emit(out, v.protocol, v.key, static_cast<double>(v.value));
      if (v.key == "mem") {
        Emit(out, v.protocol, "mem_bytes", static_cast<double>(v.value * page_size_()));
      }
    }
    return absl::OkStatus();
  }

 private:
  void Emit(SampleWriter& out, absl::string_view protocol, absl::string_view key, double value) {
    name_.clear();
    absl::StrAppend(&name_, "node_sockstat_", protocol, "_", key);
    help_.clear();
    absl::StrAppend(&help_, "Number of ", protocol, " sockets in state ", key, ".");
    out.Add(MetricDesc{name_, kGauge, help_}, {}, value);
  }

  std::string path4_;
  std::string path6_;
  std::function<int64_t()> page_size_;
  std::string text4_;
  std::string text6_;
  std::vector<SockstatValue> values_;
  std::string name_;  // reused buffers: no allocation per value in steady state
  std::string help_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeSockstatSourceWithPageSize(const SourceContext& ctx,
                                                         std::function<int64_t()> page_size) {
  return std::make_unique<SockstatSource>(*ctx.fs, std::move(page_size));
}

absl::StatusOr<SourcePtr> MakeSockstatSource(const SourceContext& ctx) {
  return MakeSockstatSourceWithPageSize(ctx,
                                        [] { return static_cast<int64_t>(sysconf(_SC_PAGESIZE)); });
}

}  // namespace hostmon::agent
