// SPDX-License-Identifier: Apache-2.0
//
// What the collector's web side shows of its hosts, as pure functions of HostStore::Hosts():
// Prometheus's HTTP service discovery document (/api/v1/targets), the per-host metrics path
// (/metrics/hosts/<instance>) and the HTML fleet page (/).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "collector/host_store.h"

namespace hostmon::collector {

// The route that serves one host's series; the instance follows it.
inline constexpr absl::string_view kHostMetricsPrefix = "/metrics/hosts/";

// The __metrics_path__ of a host's target: the prefix and the instance as is. Prometheus
// percent-escapes the path when it builds the scrape URL, and the web server decodes it back, so
// the instance must not be escaped here (it would arrive escaped twice).
std::string HostMetricsPath(absl::string_view instance);
// The same path, percent-encoded (everything but A-Z a-z 0-9 - . _ ~), for links and curl.
std::string HostMetricsUrlPath(absl::string_view instance);

// The host:port Prometheus should scrape: the request's Host header when it is a plausible
// host[:port] (Prometheus reached the collector there, so the per-host scrapes will too), else the
// address the web server is bound to.
std::string TargetAddress(absl::string_view host_header, absl::string_view bound_address);

// Prometheus http_sd JSON (https://prometheus.io/docs/prometheus/latest/http_sd/): one target group
// per host, all with `targets: [address]`, the labels __metrics_path__, instance, job and the
// host's static labels. Gone hosts are listed too (their scrape answers 503, so `up` is 0).
std::string EncodeHttpSdTargets(const std::vector<HostSummary>& hosts, absl::string_view address);

std::string HtmlEscape(absl::string_view text);

struct FleetPageOptions {
  std::string title = "hostmon collector";
  std::string version;  // shown in the header; "" for none
  absl::Time now;
  size_t max_rows = 2000;  // bounds the page; further hosts are counted, not listed
};

// The fleet page: a server-rendered HTML table of the hosts (state, last batch, agent version,
// spool backlog when any agent reports it, firing alerts) plus links to the other endpoints.
// Every host-controlled string is escaped. `firing_alerts`: firing alert count by instance.
std::string RenderFleetPage(const std::vector<HostSummary>& hosts,
                            const std::map<std::string, int>& firing_alerts,
                            const FleetPageOptions& options);

}  // namespace hostmon::collector
