// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nfs/nfs_source.h"

#include <string>

#include "agent/sources/nfs/nfs_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kPackets{"node_nfs_packets_total", kCounter,
                              "Total NFSd network packets (sent+received) by protocol type."};
constexpr MetricDesc kConnections{"node_nfs_connections_total", kCounter,
                                  "Total number of NFSd TCP connections."};
constexpr MetricDesc kRpcs{"node_nfs_rpcs_total", kCounter, "Total number of RPCs performed."};
constexpr MetricDesc kRetransmissions{"node_nfs_rpc_retransmissions_total", kCounter,
                                      "Number of RPC transmissions performed."};
constexpr MetricDesc kAuthRefreshes{"node_nfs_rpc_authentication_refreshes_total", kCounter,
                                    "Number of RPC authentication refreshes performed."};
constexpr MetricDesc kRequests{"node_nfs_requests_total", kCounter,
                               "Number of NFS procedures invoked."};

template <size_t N>
void AddProcedures(SampleWriter& out, absl::string_view proto, const absl::string_view (&names)[N],
                   const uint64_t (&counts)[N]) {
  for (size_t i = 0; i < N; ++i) {
    const LabelRef labels[] = {{"method", names[i]}, {"proto", proto}};
    out.Add(kRequests, labels, static_cast<double>(counts[i]));
  }
}

class NfsSource : public Source {
 public:
  explicit NfsSource(const common::FsRoot& fs) : path_(fs.Proc("net/rpc/nfs")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    NfsClientStats s;
    HM_RETURN_IF_ERROR(ParseNfsClientStats(text_, path_, &s));
    const LabelRef udp[] = {{"protocol", "udp"}};
    const LabelRef tcp[] = {{"protocol", "tcp"}};
    out.Add(kPackets, udp, static_cast<double>(s.udp_packets));
    out.Add(kPackets, tcp, static_cast<double>(s.tcp_packets));
    out.Add(kConnections, {}, static_cast<double>(s.tcp_connections));
    out.Add(kRpcs, {}, static_cast<double>(s.rpcs));
    out.Add(kRetransmissions, {}, static_cast<double>(s.retransmissions));
    out.Add(kAuthRefreshes, {}, static_cast<double>(s.auth_refreshes));
    AddProcedures(out, "2", kNfsV2Procedures, s.v2);
    AddProcedures(out, "3", kNfsV3Procedures, s.v3);
    AddProcedures(out, "4", kNfsV4Procedures, s.v4);
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeNfsSource(const SourceContext& ctx) {
  return std::make_unique<NfsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
