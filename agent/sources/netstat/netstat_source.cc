// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netstat/netstat_source.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/netstat/netstat_parser.h"
#include "common/status_macros.h"
#include "re2/re2.h"

namespace hostmon::agent {

// A superset of node_exporter 1.5.0's default: every field 1.5.0 matches is still matched, plus
// TcpExt_TCPOFOQueue, TcpExt_TCPRcvQDrop (default in newer node_exporter releases) and
// Tcp_MaxConn, which the Node Exporter Full dashboard queries. Exporting a few more series than
// 1.5.0 costs little; missing ones leave dashboard panels empty.
const char kNetstatDefaultFields[] =
    "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
    "TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|"
    "Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab|MaxConn)|"
    "Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";

namespace {

class NetstatSource : public Source {
 public:
  NetstatSource(const common::FsRoot& fs, std::unique_ptr<RE2> fields)
      : netstat_path_(fs.Proc("net/netstat")),
        snmp_path_(fs.Proc("net/snmp")),
        snmp6_path_(fs.Proc("net/snmp6")),
        fields_(std::move(fields)) {}

  absl::Status Collect(SampleWriter& out) override {
    values_.clear();
    HM_RETURN_IF_ERROR(common::ReadFileTo(netstat_path_, &netstat_text_));
    HM_RETURN_IF_ERROR(ParseNetstatPairs(netstat_text_, "/proc/net/netstat", &values_));
    HM_RETURN_IF_ERROR(common::ReadFileTo(snmp_path_, &snmp_text_));
    HM_RETURN_IF_ERROR(ParseNetstatPairs(snmp_text_, "/proc/net/snmp", &values_));
    // No snmp6 when IPv6 is disabled; node_exporter carries on without it.
    absl::Status status = common::ReadFileTo(snmp6_path_, &snmp6_text_);
    if (status.ok()) {
      HM_RETURN_IF_ERROR(ParseSnmp6(snmp6_text_, &values_));
    } else if (!absl::IsNotFound(status)) {
      return status;
    }
    if (keep_.size() < values_.size()) keep_.resize(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) {
      const NetstatValue& v = values_[i];
      key_.clear();
      absl::StrAppend(&key_, v.protocol, "_", v.field);
      if (!Keep(i)) continue;
      name_.clear();
      absl::StrAppend(&name_, "node_netstat_", key_);
      help_.clear();
      absl::StrAppend(&help_, "Statistic ", v.protocol, v.field, ".");
      out.Add(MetricDesc{name_, kUntyped, help_}, {}, v.value);
    }
    return absl::OkStatus();
  }

 private:
  // Whether the i-th value of the files is exported. The files list the same fields in the same
  // order on every read, so the regex decision is remembered per position (RE2 matching
  // allocates); a different name at a position is matched afresh.
  bool Keep(size_t i) {
    auto& [key, keep] = keep_[i];
    if (key != key_) {
      key.assign(key_);
      // An empty pattern (nullptr) matches every field, as Go's empty regexp in node_exporter.
      keep = fields_ == nullptr || RE2::PartialMatch(key_, *fields_);
    }
    return keep;
  }

  std::string netstat_path_;
  std::string snmp_path_;
  std::string snmp6_path_;
  std::unique_ptr<RE2> fields_;
  std::string netstat_text_;
  std::string snmp_text_;
  std::string snmp6_text_;
  std::vector<NetstatValue> values_;
  std::vector<std::pair<std::string, bool>> keep_;
  std::string key_;  // reused buffers: no allocation per value in steady state
  std::string name_;
  std::string help_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeNetstatSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> re, ctx.Regex("fields"));
  return std::make_unique<NetstatSource>(*ctx.fs, std::move(re));
}

}  // namespace hostmon::agent
