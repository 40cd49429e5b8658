// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nfs/nfsd_source.h"

#include <string>

#include "agent/sources/nfs/nfs_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's collector/nfsd_linux.go, help texts verbatim.
constexpr MetricDesc kReplyHits{
    "node_nfsd_reply_cache_hits_total", kCounter,
    "Total number of NFSd Reply Cache hits (client lost server response)."};
constexpr MetricDesc kReplyMisses{
    "node_nfsd_reply_cache_misses_total", kCounter,
    "Total number of NFSd Reply Cache an operation that requires caching (idempotent)."};
constexpr MetricDesc kReplyNocache{
    "node_nfsd_reply_cache_nocache_total", kCounter,
    "Total number of NFSd Reply Cache non-idempotent operations (rename/delete/\u2026)."};
constexpr MetricDesc kStale{"node_nfsd_file_handles_stale_total", kCounter,
                            "Total number of NFSd stale file handles"};
constexpr MetricDesc kRead{"node_nfsd_disk_bytes_read_total", kCounter, "Total NFSd bytes read."};
constexpr MetricDesc kWritten{"node_nfsd_disk_bytes_written_total", kCounter,
                              "Total NFSd bytes written."};
constexpr MetricDesc kThreads{"node_nfsd_server_threads", kGauge,
                              "Total number of NFSd kernel threads that are running."};
constexpr MetricDesc kRaSize{"node_nfsd_read_ahead_cache_size_blocks", kGauge,
                             "How large the read ahead cache is in blocks."};
constexpr MetricDesc kRaNotFound{"node_nfsd_read_ahead_cache_not_found_total", kCounter,
                                 "Total number of NFSd read ahead cache not found."};
constexpr MetricDesc kPackets{"node_nfsd_packets_total", kCounter,
                              "Total NFSd network packets (sent+received) by protocol type."};
constexpr MetricDesc kConnections{"node_nfsd_connections_total", kCounter,
                                  "Total number of NFSd TCP connections."};
constexpr MetricDesc kRpcErrors{"node_nfsd_rpc_errors_total", kCounter,
                                "Total number of NFSd RPC errors by error type."};
constexpr MetricDesc kRpcs{"node_nfsd_server_rpcs_total", kCounter, "Total number of NFSd RPCs."};
constexpr MetricDesc kRequests{"node_nfsd_requests_total", kCounter,
                               "Total number NFSd Requests by method and protocol."};

void AddRequest(SampleWriter& out, absl::string_view proto, absl::string_view method,
                uint64_t count) {
  const LabelRef labels[] = {{"method", method}, {"proto", proto}};
  out.Add(kRequests, labels, static_cast<double>(count));
}

class NfsdSource : public Source {
 public:
  explicit NfsdSource(const common::FsRoot& fs) : path_(fs.Proc("net/rpc/nfsd")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    NfsServerStats s;
    HM_RETURN_IF_ERROR(ParseNfsServerStats(text_, path_, &s));
    out.Add(kReplyHits, {}, static_cast<double>(s.reply_cache_hits));
    out.Add(kReplyMisses, {}, static_cast<double>(s.reply_cache_misses));
    out.Add(kReplyNocache, {}, static_cast<double>(s.reply_cache_nocache));
    out.Add(kStale, {}, static_cast<double>(s.stale_file_handles));
    out.Add(kRead, {}, static_cast<double>(s.bytes_read));
    out.Add(kWritten, {}, static_cast<double>(s.bytes_written));
    out.Add(kThreads, {}, static_cast<double>(s.threads));
    out.Add(kRaSize, {}, static_cast<double>(s.read_ahead_cache_size));
    out.Add(kRaNotFound, {}, static_cast<double>(s.read_ahead_not_found));
    const LabelRef udp[] = {{"proto", "udp"}};
    const LabelRef tcp[] = {{"proto", "tcp"}};
    out.Add(kPackets, udp, static_cast<double>(s.udp_packets));
    out.Add(kPackets, tcp, static_cast<double>(s.tcp_packets));
    out.Add(kConnections, {}, static_cast<double>(s.tcp_connections));
    const LabelRef fmt[] = {{"error", "fmt"}};
    const LabelRef auth[] = {{"error", "auth"}};
    const LabelRef cint[] = {{"error", "cInt"}};
    out.Add(kRpcErrors, fmt, static_cast<double>(s.bad_format));
    out.Add(kRpcErrors, auth, static_cast<double>(s.bad_auth));
    out.Add(kRpcErrors, cint, static_cast<double>(s.bad_client));
    out.Add(kRpcs, {}, static_cast<double>(s.rpcs));
    // node_exporter leaves out the NULL procedure (index 0) of v2 and v3.
    for (size_t i = 1; i < 18; ++i) AddRequest(out, "2", kNfsV2Procedures[i], s.v2[i]);
    for (size_t i = 1; i < 22; ++i) AddRequest(out, "3", kNfsV3Procedures[i], s.v3[i]);
    for (size_t i = 0; i < kNumNfsdV4Ops; ++i) {
      AddRequest(out, "4", kNfsdV4Ops[i].name, s.v4_ops[i]);
    }
    AddRequest(out, "4", "WdelegGetattr", s.wdeleg_getattr);
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeNfsdSource(const SourceContext& ctx) {
  return std::make_unique<NfsdSource>(*ctx.fs);
}

}  // namespace hostmon::agent
