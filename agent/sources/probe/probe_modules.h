// SPDX-License-Identifier: Apache-2.0
//
// One probe of one target by its module (tcp, http, icmp, dns). Each call is bounded by `deadline`:
// name resolution, connect, TLS handshake, HTTP exchange and echo replies all give up there, so a
// black-holed target costs one deadline. Thread-safe: the source runs many at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "agent/sources/probe/probe_config.h"

namespace hostmon::agent::probe {

struct ProbeResult {
  bool success = false;
  std::string error;        // why success is false; names the step ("connect to 10.0.0.1:80: ...")
  absl::Duration duration;  // the whole probe, resolution included (probe_duration_seconds)
  absl::Duration resolve;   // name resolution (probe_dns_lookup_time_seconds)
  int ip_protocol = 0;      // 4 or 6 once resolved (probe_ip_protocol)
  // What hostmon_probe_duration_seconds observes: the network/response time of this probe (tcp:
  // connect + TLS handshake; http: the whole exchange; icmp: each echo's round trip; dns: the
  // request). A probe that timed out is observed at the time it waited; one that failed
  // otherwise (refused, unresolvable, TLS error) adds nothing.
  std::vector<double> observations;

  // tcp
  absl::Duration connect, tls;
  // tcp with tls, https: the earliest notAfter of the peer's chain (Unix seconds)
  std::optional<double> cert_expiry;

  // http
  long status_code = 0;
  absl::Duration http_connect, http_tls, http_processing, http_transfer;
  long redirects = 0;
  bool http_ssl = false;
  double content_length = -1;  // -1: unknown (as blackbox_exporter)
  bool failed_due_to_regex = false;

  // icmp
  int sent = 0;
  int received = 0;
  absl::Duration rtt_min, rtt_avg, rtt_max;

  // dns
  absl::Duration dns_request;  // query sent -> reply received
  int dns_answers = 0, dns_authority = 0, dns_additional = 0;
  bool dns_replied = false;
};

ProbeResult RunTcp(const TargetConfig& target, absl::Time deadline);
ProbeResult RunHttp(const TargetConfig& target, absl::Time deadline);
ProbeResult RunIcmp(const TargetConfig& target, absl::Time deadline);
ProbeResult RunDns(const TargetConfig& target, absl::Time deadline);
ProbeResult RunProbe(const TargetConfig& target, absl::Time deadline);

// Whether this process may open unprivileged ICMP sockets (SOCK_DGRAM/IPPROTO_ICMP): the kernel
// allows them to the groups in net.ipv4.ping_group_range only. The error names the sysctl, our
// group and the fallback (module tcp).
absl::Status CheckIcmpAllowed();

// The earliest "Expire date" among the certificate descriptions of libcurl's CURLINFO_CERTINFO
// ("Expire date:Jan  2 03:04:05 2030 GMT"), in Unix seconds; nullopt when none parses.
std::optional<double> EarliestExpireDate(const std::vector<std::string>& certinfo_lines);

}  // namespace hostmon::agent::probe
