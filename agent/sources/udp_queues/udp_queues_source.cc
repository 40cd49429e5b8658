// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/udp_queues/udp_queues_source.h"

#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "agent/sources/udp_queues/udp_queues_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kQueues{
    "node_udp_queues", kGauge,
    "Number of allocated memory in the kernel for UDP datagrams in bytes."};

class UdpQueuesSource : public Source {
 public:
  explicit UdpQueuesSource(const common::FsRoot& fs)
      : path4_(fs.Proc("net/udp")), path6_(fs.Proc("net/udp6")) {}

  absl::Status Collect(SampleWriter& out) override {
    // Like node_exporter, a missing file (no IPv6, or no IPv4) only drops its series; with
    // neither there is nothing to report.
    bool found = false;
    for (const auto& [path, file, ip] : {std::tuple{&path4_, "/proc/net/udp", "v4"},
                                         std::tuple{&path6_, "/proc/net/udp6", "v6"}}) {
      absl::Status status = common::ReadFileTo(*path, &text_);
      if (absl::IsNotFound(status)) continue;
      HM_RETURN_IF_ERROR(status);
      found = true;
      UdpQueues queues;
      HM_RETURN_IF_ERROR(ParseUdpQueues(text_, file, &queues));
      const LabelRef tx[] = {{"ip", ip}, {"queue", "tx"}};
      const LabelRef rx[] = {{"ip", ip}, {"queue", "rx"}};
      // rx before tx: the order node_exporter's exposition sorts them into.
      out.Add(kQueues, rx, static_cast<double>(queues.rx_bytes));
      out.Add(kQueues, tx, static_cast<double>(queues.tx_bytes));
    }
    if (!found) return absl::NotFoundError(absl::StrCat(path4_, " and ", path6_, " do not exist"));
    return absl::OkStatus();
  }

 private:
  std::string path4_;
  std::string path6_;
  std::string text_;  // reused read buffer
};

}  // namespace

absl::StatusOr<SourcePtr> MakeUdpQueuesSource(const SourceContext& ctx) {
  return std::make_unique<UdpQueuesSource>(*ctx.fs);
}

}  // namespace hostmon::agent
