// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/probe/probe_source.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/sources/common/curl_api.h"
#include "agent/sources/probe/probe_config.h"
#include "agent/sources/probe/probe_modules.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace hostmon::agent {

using probe::Module;
using probe::ProbeResult;
using probe::TargetConfig;

namespace {

constexpr MetricDesc kSuccess{"probe_success", kGauge,
                              "Whether the last probe of the target succeeded (1) or not (0)."};
constexpr MetricDesc kDuration{"probe_duration_seconds", kGauge,
                               "Wall time of the last probe, name resolution included."};
constexpr MetricDesc kDnsLookup{"probe_dns_lookup_time_seconds", kGauge,
                                "Name resolution time of the last probe."};
constexpr MetricDesc kIpProtocol{"probe_ip_protocol", kGauge,
                                 "IP protocol of the last probe: 4 or 6."};
constexpr MetricDesc kCertExpiry{
    "probe_ssl_earliest_cert_expiry", kGauge,
    "Earliest notAfter of the certificates the target presented (Unix seconds)."};
constexpr MetricDesc kTcpDuration{"hostmon_probe_tcp_duration_seconds", kGauge,
                                  "Phases of the last tcp probe: connect, tls (handshake)."};
constexpr MetricDesc kHttpStatus{"probe_http_status_code", kGauge,
                                 "HTTP status code of the last response (0: none)."};
constexpr MetricDesc kHttpDuration{
    "probe_http_duration_seconds", kGauge,
    "Phases of the last HTTP probe: resolve, connect, tls, processing, transfer."};
constexpr MetricDesc kHttpRedirects{"probe_http_redirects", kGauge,
                                    "Redirects followed by the last HTTP probe."};
constexpr MetricDesc kHttpSsl{"probe_http_ssl", kGauge,
                              "Whether the final request of the last HTTP probe used TLS."};
constexpr MetricDesc kHttpContentLength{"probe_http_content_length", kGauge,
                                        "Content-Length of the last response (-1: unknown)."};
constexpr MetricDesc kFailedRegex{"probe_failed_due_to_regex", kGauge,
                                  "Whether the last HTTP probe failed because of body_regex."};
constexpr MetricDesc kIcmpDuration{
    "probe_icmp_duration_seconds", kGauge,
    "Phases of the last icmp probe: resolve, rtt (mean round trip of its echoes)."};
constexpr MetricDesc kIcmpRtt{"hostmon_probe_icmp_rtt_seconds", kGauge,
                              "Round-trip time of the last icmp probe's echoes: min, avg, max."};
constexpr MetricDesc kLoss{"hostmon_probe_loss_ratio", kGauge,
                           "Share of the last icmp probe's echoes without a reply (0..1)."};
constexpr MetricDesc kDnsDuration{"probe_dns_duration_seconds", kGauge,
                                  "Phases of the last dns probe: resolve (the server's name), "
                                  "request (query sent to reply)."};
constexpr MetricDesc kDnsAnswer{"probe_dns_answer_rrs", kGauge,
                                "Answer records in the last dns reply."};
constexpr MetricDesc kDnsAuthority{"probe_dns_authority_rrs", kGauge,
                                   "Authority records in the last dns reply."};
constexpr MetricDesc kDnsAdditional{"probe_dns_additional_rrs", kGauge,
                                    "Additional records in the last dns reply."};
constexpr MetricDesc kDnsSucceeded{"probe_dns_query_succeeded", kGauge,
                                   "Whether the last dns query got a reply."};
constexpr MetricDesc kHistBucket{
    "hostmon_probe_duration_seconds_bucket", kCounter,
    "Histogram of probe times (tcp: connect+TLS, http: whole exchange, icmp: each echo, dns: "
    "request)."};
constexpr MetricDesc kHistSum{"hostmon_probe_duration_seconds_sum", kCounter,
                              "Sum of the observations of hostmon_probe_duration_seconds."};
constexpr MetricDesc kHistCount{"hostmon_probe_duration_seconds_count", kCounter,
                                "Count of the observations of hostmon_probe_duration_seconds."};

struct TargetState {
  TargetConfig config;
  std::optional<absl::Time> last_start;
  std::optional<ProbeResult> last;
  std::vector<double> bucket_counts;  // cumulative per bound; the last entry is +Inf
  double sum = 0;
  double count = 0;
  std::string last_error;  // logged when it changes
};

class ProbeSource : public Source {
 public:
  ProbeSource(std::vector<TargetConfig> targets, absl::Duration tier_interval, int parallel,
              absl::Duration budget)
      : tier_interval_(tier_interval), parallel_(parallel), budget_(budget) {
    for (auto& t : targets) {
      TargetState s;
      s.config = std::move(t);
      s.bucket_counts.assign(ProbeHistogramBuckets().size() + 1, 0);
      targets_.push_back(std::move(s));
    }
    for (double b : ProbeHistogramBuckets()) les_.push_back(absl::StrCat(b));
    les_.push_back("+Inf");
  }

  absl::Status Collect(SampleWriter& out) override {
    if (targets_.empty()) {
      return absl::FailedPreconditionError(
          "no targets: set sources_options.probe.config (--source.probe.config=FILE)");
    }
    const absl::Time now = absl::Now();
    // A target is due when its interval has passed, give or take half a tick of the tier, so
    // that an interval of 30s on a 15s tick probes every second tick, not every third.
    std::vector<size_t> due;
    for (size_t i = 0; i < targets_.size(); ++i) {
      const TargetState& s = targets_[i];
      if (!s.last_start || now - *s.last_start >= s.config.interval - tier_interval_ / 2) {
        due.push_back(i);
      }
    }
    std::vector<ProbeResult> results(due.size());
    std::atomic<size_t> next{0};
    // With more due targets than threads, a late start must still end within the round's
    // budget: past it the slow tier would drop the whole round, not just the late target.
    const absl::Time round_end =
        budget_ == absl::InfiniteDuration() ? absl::InfiniteFuture() : now + budget_;
    auto worker = [&] {
      for (size_t k = next.fetch_add(1); k < due.size(); k = next.fetch_add(1)) {
        const TargetConfig& c = targets_[due[k]].config;
        const absl::Time start = absl::Now();
        if (start >= round_end) {
          results[k].error =
              "not probed: the round's time was used up by earlier targets (raise the source's "
              "parallel option)";
          continue;
        }
        results[k] = probe::RunProbe(c, std::min(start + c.timeout, round_end));
      }
    };
    // Every due target runs at once (up to `parallel` threads): the round takes as long as its
    // slowest target, at most the longest timeout, never the sum.
    std::vector<std::thread> threads;
    const size_t n_threads = std::min<size_t>(due.size(), static_cast<size_t>(parallel_));
    for (size_t i = 1; i < n_threads; ++i) threads.emplace_back(worker);
    if (n_threads > 0) worker();
    for (auto& t : threads) t.join();

    for (size_t k = 0; k < due.size(); ++k) {
      TargetState& s = targets_[due[k]];
      s.last_start = now;
      Observe(s, results[k].observations);
      LogChange(s, results[k]);
      s.last = std::move(results[k]);
    }
    for (const TargetState& s : targets_) Write(out, s);
    return absl::OkStatus();
  }

 private:
  void Observe(TargetState& s, const std::vector<double>& values) {
    const auto& bounds = ProbeHistogramBuckets();
    for (double v : values) {
      for (size_t b = 0; b < bounds.size(); ++b) {
        if (v <= bounds[b]) s.bucket_counts[b] += 1;
      }
      s.bucket_counts.back() += 1;
      s.sum += v;
      s.count += 1;
    }
  }

  // One warning when a target starts failing or fails differently, one line when it recovers:
  // not one per round.
  static void LogChange(TargetState& s, const ProbeResult& r) {
    const std::string& error = r.success ? std::string() : r.error;
    if (error == s.last_error) return;
    const std::string kv = common::log::Kv("target", s.config.name) +
                           common::log::Kv("module", probe::ModuleName(s.config.module));
    if (!error.empty()) {
      common::log::Warn("probe: target failed", kv + common::log::Kv("error", error));
    } else {
      common::log::Info("probe: target succeeds again", kv);
    }
    s.last_error = error;
  }

  void Add(SampleWriter& out, const MetricDesc& d, const TargetState& s, double value,
           absl::string_view extra_name = {}, absl::string_view extra_value = {}) {
    labels_.clear();
    labels_.push_back(LabelRef{"target", s.config.name});
    labels_.push_back(LabelRef{"module", probe::ModuleName(s.config.module)});
    labels_.push_back(LabelRef{"class", s.config.klass});
    if (!extra_name.empty()) labels_.push_back(LabelRef{extra_name, extra_value});
    out.Add(d, labels_, value);
  }

  void Write(SampleWriter& out, const TargetState& s) {
    if (!s.last) return;  // not probed yet
    const ProbeResult& r = *s.last;
    const double secs = absl::ToDoubleSeconds(r.duration);
    Add(out, kSuccess, s, r.success ? 1 : 0);
    Add(out, kDuration, s, secs);
    Add(out, kDnsLookup, s, absl::ToDoubleSeconds(r.resolve));
    if (r.ip_protocol != 0) Add(out, kIpProtocol, s, r.ip_protocol);
    if (r.cert_expiry) Add(out, kCertExpiry, s, *r.cert_expiry);
    switch (s.config.module) {
      case Module::kTcp:
        Add(out, kTcpDuration, s, absl::ToDoubleSeconds(r.connect), "phase", "connect");
        if (s.config.tls) {
          Add(out, kTcpDuration, s, absl::ToDoubleSeconds(r.tls), "phase", "tls");
        }
        break;
      case Module::kHttp:
        Add(out, kHttpStatus, s, static_cast<double>(r.status_code));
        Add(out, kHttpDuration, s, absl::ToDoubleSeconds(r.resolve), "phase", "resolve");
        Add(out, kHttpDuration, s, absl::ToDoubleSeconds(r.http_connect), "phase", "connect");
        Add(out, kHttpDuration, s, absl::ToDoubleSeconds(r.http_tls), "phase", "tls");
        Add(out, kHttpDuration, s, absl::ToDoubleSeconds(r.http_processing), "phase", "processing");
        Add(out, kHttpDuration, s, absl::ToDoubleSeconds(r.http_transfer), "phase", "transfer");
        Add(out, kHttpRedirects, s, static_cast<double>(r.redirects));
        Add(out, kHttpSsl, s, r.http_ssl ? 1 : 0);
        Add(out, kHttpContentLength, s, r.content_length);
        Add(out, kFailedRegex, s, r.failed_due_to_regex ? 1 : 0);
        break;
      case Module::kIcmp: {
        Add(out, kIcmpDuration, s, absl::ToDoubleSeconds(r.resolve), "phase", "resolve");
        if (r.received > 0) {
          Add(out, kIcmpDuration, s, absl::ToDoubleSeconds(r.rtt_avg), "phase", "rtt");
          Add(out, kIcmpRtt, s, absl::ToDoubleSeconds(r.rtt_min), "stat", "min");
          Add(out, kIcmpRtt, s, absl::ToDoubleSeconds(r.rtt_avg), "stat", "avg");
          Add(out, kIcmpRtt, s, absl::ToDoubleSeconds(r.rtt_max), "stat", "max");
        }
        const double loss = r.sent > 0 ? 1.0 - static_cast<double>(r.received) / r.sent : 1.0;
        Add(out, kLoss, s, loss);
        break;
      }
      case Module::kDns:
        Add(out, kDnsDuration, s, absl::ToDoubleSeconds(r.resolve), "phase", "resolve");
        Add(out, kDnsDuration, s, absl::ToDoubleSeconds(r.dns_request), "phase", "request");
        Add(out, kDnsSucceeded, s, r.dns_replied ? 1 : 0);
        if (r.dns_replied) {
          Add(out, kDnsAnswer, s, r.dns_answers);
          Add(out, kDnsAuthority, s, r.dns_authority);
          Add(out, kDnsAdditional, s, r.dns_additional);
        }
        break;
    }
    for (size_t b = 0; b < les_.size(); ++b) {
      Add(out, kHistBucket, s, s.bucket_counts[b], "le", les_[b]);
    }
    Add(out, kHistSum, s, s.sum);
    Add(out, kHistCount, s, s.count);
  }

  std::vector<TargetState> targets_;
  const absl::Duration tier_interval_;
  const int parallel_;
  const absl::Duration budget_;  // SourceContext::WorkBudget(): a round ends within it
  std::vector<std::string> les_;
  std::vector<LabelRef> labels_;
};

}  // namespace

const std::vector<double>& ProbeHistogramBuckets() {
  // 1 ms (a LAN round trip) .. 10 s (the longest sensible probe timeout), about 2.5x apart, with
  // a bound at each default rule threshold (1 ms, 30 ms, 100 ms, 300 ms, 1 s, 2 s).
  static const auto* buckets = new std::vector<double>{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.03, 0.05, 0.1, 0.3, 0.5, 1, 2, 5, 10};
  return *buckets;
}

const std::vector<SourceOption>& ProbeOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"config", "", "Targets file (YAML): what to probe, with which module, class and timeout."},
      {"parallel", "64",
       "Most probes in flight at once (one thread each); more due targets wait for a free one."},
      {"interval", "15s",
       "Slow tier: how often the source runs a round; a target is probed every round unless "
       "its own interval (targets file) is longer."},
      {"timeout", "14s",
       "Slow tier: deadline of one round over all targets; a target's timeout is shortened to "
       "fit it."},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeProbeSource(const SourceContext& ctx) {
  const std::string path = ctx.Option("config");
  HM_ASSIGN_OR_RETURN(int parallel, ctx.Int("parallel", 1, 1024));
  HM_ASSIGN_OR_RETURN(absl::Duration tier_interval, ctx.Duration("interval"));
  if (path.empty()) {
    // Constructible without options like every source; each collection then fails with the
    // reason, so switching the source on without targets is visible.
    return SourcePtr(std::make_unique<ProbeSource>(std::vector<TargetConfig>{}, tier_interval,
                                                   parallel, ctx.WorkBudget()));
  }
  auto config = probe::LoadProbeConfig(path);
  if (!config.ok()) return ctx.OptionError("config", config.status().message());
  if (config->targets.empty()) return ctx.OptionError("config", path + " lists no targets");
  // A target's timeout ends within the round's budget (agent/source.h), so that a slow target
  // costs only its own series, never those of the others.
  const absl::Duration budget = ctx.WorkBudget();
  std::vector<std::string> icmp;
  bool http = false;
  for (auto& t : config->targets) {
    if (t.interval < tier_interval) {
      return ctx.OptionError(
          "config",
          absl::StrCat(path, ": target \"", t.name, "\": interval ",
                       absl::FormatDuration(t.interval), " is shorter than the source's interval ",
                       absl::FormatDuration(tier_interval),
                       " (sources_options.probe.interval): lower that one"));
    }
    if (t.timeout > budget) {
      common::log::Warn("probe: target timeout shortened to fit the source timeout",
                        common::log::Kv("target", t.name) +
                            common::log::Kv("timeout", absl::FormatDuration(budget)) +
                            common::log::Kv("source_timeout", absl::FormatDuration(ctx.deadline)));
      t.timeout = budget;
    }
    if (t.insecure) {
      common::log::Warn("probe: TLS certificate verification is OFF for this target (insecure)",
                        common::log::Kv("target", t.name));
    }
    if (t.module == Module::kIcmp) icmp.push_back(t.name);
    if (t.module == Module::kHttp) http = true;
  }
  if (!icmp.empty()) {
    if (absl::Status s = probe::CheckIcmpAllowed(); !s.ok()) {
      return ctx.OptionError(
          "config", absl::StrCat(path, ": targets ", absl::StrJoin(icmp, ", "), ": ", s.message()));
    }
  }
  if (http) {
    if (absl::Status s = InitCurlOnce(); !s.ok()) return ctx.OptionError("config", s.message());
  }
  return SourcePtr(
      std::make_unique<ProbeSource>(std::move(config->targets), tier_interval, parallel, budget));
}

}  // namespace hostmon::agent
