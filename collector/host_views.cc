// SPDX-License-Identifier: Apache-2.0
#include "collector/host_views.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace hostmon::collector {
namespace {

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

// Shows at most `max` bytes of a host-controlled string (cut at a UTF-8 character boundary).
std::string Clip(absl::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(text.substr(0, cut), "\xE2\x80\xA6");  // "…"
}

std::string FormatAge(absl::Duration age) {
  if (age < absl::ZeroDuration()) age = absl::ZeroDuration();
  int64_t s = absl::ToInt64Seconds(age);
  if (s < 120) return absl::StrCat(s, "s ago");
  if (s < 7200) return absl::StrCat(s / 60, "m ago");
  if (s < 2 * 86400) return absl::StrCat(s / 3600, "h ago");
  return absl::StrCat(s / 86400, "d ago");
}

std::string FormatTime(absl::Time t, absl::Time now) {
  if (t == absl::InfinitePast()) return "never";
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone()), " (",
                      FormatAge(now - t), ")");
}

}  // namespace

std::string HostMetricsPath(absl::string_view instance) {
  return absl::StrCat(kHostMetricsPrefix, instance);
}

std::string HostMetricsUrlPath(absl::string_view instance) {
  std::string out(kHostMetricsPrefix);
  for (char c : instance) {
    if (IsUnreserved(c)) {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string TargetAddress(absl::string_view host_header, absl::string_view bound_address) {
  // host, host:port, [v6]:port; anything else (empty, spaces, paths, user info) is not used.
  bool plausible = !host_header.empty() && host_header.size() <= 262;
  for (char c : host_header) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
          c == ':' || c == '[' || c == ']')) {
      plausible = false;
      break;
    }
  }
  return std::string(plausible ? host_header : bound_address);
}

std::string EncodeHttpSdTargets(const std::vector<HostSummary>& hosts, absl::string_view address) {
  nlohmann::json groups = nlohmann::json::array();
  for (const HostSummary& h : hosts) {
    nlohmann::json labels = nlohmann::json::object();
    // Static labels cannot start with "__" (the store refuses them); skipping them here as well
    // keeps an agent from ever steering Prometheus's scrape (__address__, __scheme__, ...).
    for (const auto& [k, v] : h.labels) {
      if (k.rfind("__", 0) != 0) labels[k] = v;
    }
    labels["instance"] = h.instance;
    labels["__metrics_path__"] = HostMetricsPath(h.instance);
    groups.push_back({{"targets", {std::string(address)}}, {"labels", std::move(labels)}});
  }
  return groups.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string RenderFleetPage(const std::vector<HostSummary>& hosts,
                            const std::map<std::string, int>& firing_alerts,
                            const FleetPageOptions& options) {
  // The spool column only when some agent reports its spool (agents without a spool do not).
  bool spool_known = false;
  size_t counts[3] = {0, 0, 0};
  for (const HostSummary& h : hosts) {
    spool_known = spool_known || h.spool_pending_batches.has_value();
    counts[static_cast<int>(h.state)]++;
  }
  const std::string title = HtmlEscape(options.title);
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", title,
      "</title>\n<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
      ".connected{color:#070}.stale{color:#a60}.gone{color:#b00}</style></head>\n<body>\n<h1>",
      title, "</h1>\n");
  if (!options.version.empty()) {
    absl::StrAppend(&out, "<p>", HtmlEscape(options.version), "</p>\n");
  }
  absl::StrAppend(&out, "<p id=\"summary\">", hosts.size(), " hosts: ", counts[0], " connected, ",
                  counts[1], " stale, ", counts[2], " gone</p>\n");
  absl::StrAppend(&out,
                  "<table id=\"hosts\">\n<thead><tr><th>Host</th><th>Labels</th><th>State</th>"
                  "<th>Last batch</th><th>Agent version</th>",
                  spool_known ? "<th>Spool backlog (batches)</th>" : "",
                  "<th>Firing alerts</th></tr></thead>\n<tbody>\n");
  size_t rows = 0;
  for (const HostSummary& h : hosts) {
    if (rows++ == options.max_rows) break;
    const std::string state(HostStateName(h.state));
    std::string labels;
    size_t shown = 0;
    for (const auto& [k, v] : h.labels) {
      if (k == "instance") continue;
      if (shown++ == 16) {
        labels += " &hellip;";
        break;
      }
      absl::StrAppend(&labels, labels.empty() ? "" : " ", HtmlEscape(Clip(k, 64)), "=",
                      HtmlEscape(Clip(v, 64)));
    }
    auto firing = firing_alerts.find(h.instance);
    absl::StrAppend(&out, "<tr class=\"host\" data-state=\"", state, "\"><td class=\"instance\">",
                    "<a href=\"", HtmlEscape(HostMetricsUrlPath(h.instance)), "\">",
                    HtmlEscape(Clip(h.instance, 253)), "</a></td><td>", labels,
                    "</td><td class=\"state ", state, "\">", state, "</td><td>",
                    FormatTime(h.last_batch, options.now), "</td><td>",
                    HtmlEscape(Clip(h.agent_version, 64)), "</td>");
    if (spool_known) {
      absl::StrAppend(&out, "<td>",
                      h.spool_pending_batches && std::isfinite(*h.spool_pending_batches)
                          ? absl::StrCat(static_cast<int64_t>(*h.spool_pending_batches))
                          : "&ndash;",
                      "</td>");
    }
    absl::StrAppend(&out, "<td class=\"firing\">",
                    firing != firing_alerts.end() ? firing->second : 0, "</td></tr>\n");
  }
  absl::StrAppend(&out, "</tbody></table>\n");
  if (hosts.size() > options.max_rows) {
    absl::StrAppend(
        &out, "<p>", hosts.size() - options.max_rows,
        " more hosts not shown; see <a href=\"/api/v1/targets\">/api/v1/targets</a>.</p>\n");
  }
  if (!spool_known) {
    absl::StrAppend(&out,
                    "<p>No spool backlog column: no agent reports "
                    "hostmon_agent_spool_pending_batches (agents without a spool).</p>\n");
  }
  absl::StrAppend(
      &out,
      "<p>connected: an agent stream is attached and sending; stale: no agent connected, or "
      "nothing received for the staleness period; gone: its series left /metrics (listed for a "
      "while so per-host scrapes report it down).</p>\n<p><a href=\"/metrics\">/metrics</a> "
      "&middot; <a href=\"/api/v1/targets\">/api/v1/targets</a> &middot; <a "
      "href=\"/api/v1/alerts\">/api/v1/alerts</a> &middot; <a href=\"/-/healthy\">/-/healthy</a> "
      "&middot; <a href=\"/-/ready\">/-/ready</a></p>\n</body></html>\n");
  return out;
}

}  // namespace hostmon::collector
