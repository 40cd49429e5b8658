// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipvs/ipvs_source.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/sources/ipvs/ipvs_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kConnections{"node_ipvs_connections_total", kCounter,
                                  "The total number of connections made."};
constexpr MetricDesc kIncomingPackets{"node_ipvs_incoming_packets_total", kCounter,
                                      "The total number of incoming packets."};
constexpr MetricDesc kOutgoingPackets{"node_ipvs_outgoing_packets_total", kCounter,
                                      "The total number of outgoing packets."};
constexpr MetricDesc kIncomingBytes{"node_ipvs_incoming_bytes_total", kCounter,
                                    "The total amount of incoming data."};
constexpr MetricDesc kOutgoingBytes{"node_ipvs_outgoing_bytes_total", kCounter,
                                    "The total amount of outgoing data."};
constexpr MetricDesc kActive{"node_ipvs_backend_connections_active", kGauge,
                             "The current active connections by local and remote address."};
constexpr MetricDesc kInactive{"node_ipvs_backend_connections_inactive", kGauge,
                               "The current inactive connections by local and remote address."};
constexpr MetricDesc kWeight{"node_ipvs_backend_weight", kGauge,
                             "The current backend weight by local and remote address."};

// The backend labels, sorted by name (the order they are written in).
struct BackendLabel {
  absl::string_view name;
  std::string IpvsBackend::*value;
};
constexpr BackendLabel kLabels[] = {
    {"local_address", &IpvsBackend::local_address},   {"local_mark", &IpvsBackend::local_mark},
    {"local_port", &IpvsBackend::local_port},         {"proto", &IpvsBackend::proto},
    {"remote_address", &IpvsBackend::remote_address}, {"remote_port", &IpvsBackend::remote_port},
};
constexpr size_t kNumLabels = sizeof(kLabels) / sizeof(kLabels[0]);
constexpr char kDefaultLabels[] =
    "local_address,local_port,remote_address,remote_port,proto,local_mark";

class IpvsSource : public Source {
 public:
  IpvsSource(const common::FsRoot& fs, std::vector<const BackendLabel*> labels)
      : stats_path_(fs.Proc("net/ip_vs_stats")),
        backends_path_(fs.Proc("net/ip_vs")),
        labels_(std::move(labels)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(stats_path_, &text_));
    IpvsStats stats;
    HM_RETURN_IF_ERROR(ParseIpvsStats(text_, &stats));
    out.Add(kConnections, {}, static_cast<double>(stats.connections));
    out.Add(kIncomingPackets, {}, static_cast<double>(stats.incoming_packets));
    out.Add(kOutgoingPackets, {}, static_cast<double>(stats.outgoing_packets));
    out.Add(kIncomingBytes, {}, static_cast<double>(stats.incoming_bytes));
    out.Add(kOutgoingBytes, {}, static_cast<double>(stats.outgoing_bytes));

    HM_RETURN_IF_ERROR(common::ReadFileTo(backends_path_, &text_));
    HM_RETURN_IF_ERROR(ParseIpvsBackends(text_, &backends_));
    // Real servers with the same chosen label values are summed: sort them by those values and
    // add up each run.
    order_.resize(backends_.count);
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<uint32_t>(i);
    const auto compare = [this](uint32_t a, uint32_t b) {
      for (const BackendLabel* l : labels_) {
        const int c = (backends_.rows[a].*l->value).compare(backends_.rows[b].*l->value);
        if (c != 0) return c;
      }
      return 0;
    };
    std::sort(order_.begin(), order_.end(),
              [&](uint32_t a, uint32_t b) { return compare(a, b) < 0; });
    for (size_t i = 0; i < order_.size();) {
      uint64_t active = 0, inactive = 0, weight = 0;
      size_t j = i;
      for (; j < order_.size() && compare(order_[i], order_[j]) == 0; ++j) {
        const IpvsBackend& b = backends_.rows[order_[j]];
        active += b.active;
        inactive += b.inactive;
        weight += b.weight;
      }
      const IpvsBackend& first = backends_.rows[order_[i]];
      LabelRef labels[kNumLabels];
      for (size_t k = 0; k < labels_.size(); ++k) {
        labels[k] = {labels_[k]->name, first.*labels_[k]->value};
      }
      const LabelSpan span(labels, labels_.size());
      out.Add(kActive, span, static_cast<double>(active));
      out.Add(kInactive, span, static_cast<double>(inactive));
      out.Add(kWeight, span, static_cast<double>(weight));
      i = j;
    }
    return absl::OkStatus();
  }

 private:
  std::string stats_path_;
  std::string backends_path_;
  std::vector<const BackendLabel*> labels_;
  std::string text_;
  IpvsBackends backends_;
  std::vector<uint32_t> order_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeIpvsSource(const SourceContext& ctx) {
  std::set<std::string> chosen;
  for (const std::string& label : ctx.List("backend-labels")) chosen.insert(label);
  std::vector<const BackendLabel*> labels;
  for (const BackendLabel& l : kLabels) {
    if (chosen.erase(std::string(l.name)) > 0) labels.push_back(&l);
  }
  if (!chosen.empty()) {
    return ctx.OptionError("backend-labels", absl::StrCat("unknown IPVS backend labels: ",
                                                          absl::StrJoin(chosen, ", ")));
  }
  return std::make_unique<IpvsSource>(*ctx.fs, std::move(labels));
}

std::vector<SourceOption> IpvsOptions() {
  return {
      {"backend-labels", kDefaultLabels, "Comma separated list for IPVS backend stats labels."}};
}

}  // namespace hostmon::agent
