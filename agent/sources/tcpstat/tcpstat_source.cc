// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/tcpstat/tcpstat_source.h"

#include <string>

#include "agent/sources/tcpstat/tcpstat_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kStates{"node_tcp_connection_states", kGauge, "Number of connection states."};

class TcpstatSource : public Source {
 public:
  explicit TcpstatSource(const common::FsRoot& fs)
      : tcp_path_(fs.Proc("net/tcp")), tcp6_path_(fs.Proc("net/tcp6")) {}

  absl::Status Collect(SampleWriter& out) override {
    TcpStats stats;
    HM_RETURN_IF_ERROR(common::ReadFileTo(tcp_path_, &text_));
    HM_RETURN_IF_ERROR(ParseTcpSockets(text_, "/proc/net/tcp", &stats));
    // No tcp6 without IPv6; node_exporter then counts IPv4 only.
    absl::Status status = common::ReadFileTo(tcp6_path_, &text_);
    if (status.ok()) {
      HM_RETURN_IF_ERROR(ParseTcpSockets(text_, "/proc/net/tcp6", &stats));
    } else if (!absl::IsNotFound(status)) {
      return status;
    }
    // node_exporter fills a map as it walks the sockets, so it reports only the states that
    // occur, and the queue sums only when there is at least one socket.
    if (stats.total == 0) return absl::OkStatus();
    for (int state = 1; state < kTcpStates; ++state) {
      if (stats.sockets[state] == 0) continue;
      const LabelRef labels[] = {{"state", TcpStateName(state)}};
      out.Add(kStates, labels, static_cast<double>(stats.sockets[state]));
    }
    const LabelRef rx[] = {{"state", "rx_queued_bytes"}};
    out.Add(kStates, rx, static_cast<double>(stats.rx_queued_bytes));
    const LabelRef tx[] = {{"state", "tx_queued_bytes"}};
    out.Add(kStates, tx, static_cast<double>(stats.tx_queued_bytes));
    return absl::OkStatus();
  }

 private:
  std::string tcp_path_;
  std::string tcp6_path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeTcpstatSource(const SourceContext& ctx) {
  return std::make_unique<TcpstatSource>(*ctx.fs);
}

}  // namespace hostmon::agent
