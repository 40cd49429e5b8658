// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_source.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/sources/common/curl_api.h"
#include "agent/sources/common/member_collisions.h"
#include "agent/sources/redfish/redfish_http.h"
#include "agent/sources/redfish/redfish_parser.h"
#include "common/exposition.h"
#include "common/log.h"
#include "nlohmann/json.hpp"

namespace hostmon::agent {

using redfish::Auth;
using redfish::Family;
using redfish::HttpClient;
using redfish::HttpRequest;
using redfish::HttpResponse;

namespace {

constexpr char kServiceRoot[] = "/redfish/v1/";
// A session DELETE at shutdown must not hold up the agent's exit.
constexpr absl::Duration kLogoutTimeout = absl::Seconds(2);

}  // namespace

class RedfishTarget::Impl : public redfish::Fetcher {
 public:
  explicit Impl(redfish::TargetConfig config) : config_(std::move(config)), http_(config_) {
    if (config_.insecure) {
      common::log::Warn("redfish: TLS certificate verification is OFF for this target (insecure)",
                        common::log::Kv("target", config_.name));
    }
  }

  ~Impl() override { Logout(); }

  const redfish::TargetConfig& config() const { return config_; }

  Result Collect() {
    const absl::Time start = absl::Now();
    deadline_ = start + config_.deadline;
    Result r;
    auto done = [&](Result& res) -> Result {
      res.duration = absl::Now() - start;
      return std::move(res);
    };
    // The service root needs no authentication (Redfish spec DSP0266, 13.3.2); a service that
    // asks for it anyway gets a login at the standard Sessions path first.
    auto root_body = GetAll({kServiceRoot});
    if (!root_body[0].ok() && config_.auth == Auth::kSession && token_.empty() &&
        absl::EndsWith(root_body[0].status().message(), "HTTP status 401")) {
      if (absl::Status s = Login(redfish::ServiceRoot{}); !s.ok()) {
        r.down_reason = std::string(s.message());
        return done(r);
      }
      root_body = GetAll({kServiceRoot});
    }
    if (!root_body[0].ok()) {
      r.down_reason = std::string(root_body[0].status().message());
      return done(r);
    }
    auto root = redfish::ParseServiceRoot(*root_body[0]);
    if (!root.ok()) {
      r.down_reason = absl::StrCat(kServiceRoot, ": ", root.status().message());
      return done(r);
    }
    if (config_.auth == Auth::kSession && token_.empty()) {
      if (absl::Status s = Login(*root); !s.ok()) {
        r.down_reason = std::string(s.message());
        return done(r);
      }
    }
    root_ = *root;
    redfish::WalkResult walk = redfish::Walk(*this, *root);
    r.samples = std::move(walk.samples);
    r.errors = std::move(walk.errors);
    r.collisions = std::move(walk.collisions);
    for (const auto& p : walk.problems) {
      common::log::Debug("redfish: unexpected property",
                         common::log::Kv("target", config_.name) + common::log::Kv("problem", p));
    }
    r.up = walk.collections_ok;
    if (!r.up) {
      r.down_reason = r.errors.empty() ? "service root links no Chassis or Systems collection"
                                       : r.errors.front();
    }
    return done(r);
  }

  std::vector<absl::StatusOr<std::string>> GetAll(const std::vector<std::string>& paths) override {
    std::vector<HttpRequest> requests;
    for (const auto& p : paths) requests.push_back(HttpRequest{"GET", p, ""});
    auto responses = http_.Run(requests, deadline_);
    // A session that expired or was deleted by the BMC: log in again once and retry.
    if (config_.auth == Auth::kSession && !token_.empty()) {
      std::vector<size_t> unauthorized;
      for (size_t i = 0; i < responses.size(); ++i) {
        if (responses[i].ok() && responses[i]->code == 401) unauthorized.push_back(i);
      }
      if (!unauthorized.empty()) {
        token_.clear();
        http_.SetToken("");
        if (Login(root_).ok()) {
          std::vector<HttpRequest> retry;
          for (size_t i : unauthorized) retry.push_back(requests[i]);
          auto again = http_.Run(retry, deadline_);
          for (size_t k = 0; k < unauthorized.size(); ++k) {
            responses[unauthorized[k]] = std::move(again[k]);
          }
        }
      }
    }
    std::vector<absl::StatusOr<std::string>> out;
    out.reserve(paths.size());
    for (size_t i = 0; i < responses.size(); ++i) {
      if (!responses[i].ok()) {
        out.push_back(responses[i].status());
      } else if (responses[i]->code < 200 || responses[i]->code > 299) {
        out.push_back(
            absl::UnavailableError(absl::StrCat(paths[i], ": HTTP status ", responses[i]->code)));
      } else {
        out.push_back(std::move(responses[i]->body));
      }
    }
    return out;
  }

 private:
  // POST {UserName, Password} to the Sessions collection (DSP0266 13.3.4): the token comes back
  // in X-Auth-Token, the session's URI (for the DELETE at shutdown) in Location.
  absl::Status Login(const redfish::ServiceRoot& root) {
    std::string sessions = root.sessions;
    if (sessions.empty() && !root.session_service.empty()) {
      auto body = GetAll({root.session_service});
      if (body[0].ok()) {
        auto link = redfish::ParseSessionServiceSessions(*body[0]);
        if (link.ok()) sessions = *link;
      }
    }
    if (sessions.empty()) sessions = "/redfish/v1/SessionService/Sessions";
    nlohmann::json creds = {{"UserName", config_.username}, {"Password", config_.password}};
    std::string body;
    try {
      body = creds.dump();
    } catch (const std::exception& e) {  // invalid UTF-8 in the credentials
      return absl::InvalidArgumentError(absl::StrCat("session login: ", e.what()));
    }
    auto r = http_.Run({HttpRequest{"POST", sessions, body}}, deadline_);
    if (!r[0].ok())
      return absl::UnavailableError(absl::StrCat("session login: ", r[0].status().message()));
    if (r[0]->code < 200 || r[0]->code > 299) {
      return absl::PermissionDeniedError(
          absl::StrCat("session login: ", sessions, ": HTTP status ", r[0]->code));
    }
    if (r[0]->auth_token.empty()) {
      return absl::UnavailableError("session login: no X-Auth-Token in the response");
    }
    token_ = r[0]->auth_token;
    session_uri_ = r[0]->location;
    // Location may be absolute (https://bmc/redfish/v1/SessionService/Sessions/1).
    if (absl::StartsWith(session_uri_, config_.url)) {
      session_uri_ = session_uri_.substr(config_.url.size());
    }
    http_.SetToken(token_);
    common::log::Debug("redfish: session created", common::log::Kv("target", config_.name));
    return absl::OkStatus();
  }

  void Logout() {
    if (token_.empty() || session_uri_.empty() || session_uri_[0] != '/') return;
    http_.Run({HttpRequest{"DELETE", session_uri_, ""}}, absl::Now() + kLogoutTimeout);
    token_.clear();
  }

  redfish::TargetConfig config_;
  HttpClient http_;
  absl::Time deadline_ = absl::InfinitePast();
  redfish::ServiceRoot root_;
  std::string token_;
  std::string session_uri_;
};

RedfishTarget::RedfishTarget(redfish::TargetConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}
RedfishTarget::~RedfishTarget() = default;
RedfishTarget::Result RedfishTarget::Collect() { return impl_->Collect(); }
const redfish::TargetConfig& RedfishTarget::config() const { return impl_->config(); }

namespace {

class RedfishSource : public Source {
 public:
  RedfishSource(std::vector<std::unique_ptr<RedfishTarget>> targets, const std::string& prefix)
      : targets_(std::move(targets)) {
    for (int i = 0; i < static_cast<int>(Family::kCount); ++i) {
      names_.push_back(absl::StrCat(prefix, "_", redfish::Info(static_cast<Family>(i)).suffix));
    }
  }

  absl::Status Collect(SampleWriter& out) override {
    if (targets_.empty()) {
      return absl::FailedPreconditionError(
          "no targets: set --source.redfish.config=FILE (a targets file)");
    }
    // Targets are independent services: collect them at the same time, so the source takes as
    // long as its slowest target (bounded by that target's deadline), not the sum.
    std::vector<RedfishTarget::Result> results(targets_.size());
    std::vector<std::thread> threads;
    for (size_t i = 1; i < targets_.size(); ++i) {
      threads.emplace_back([this, i, &results] { results[i] = targets_[i]->Collect(); });
    }
    if (!targets_.empty()) results[0] = targets_[0]->Collect();
    for (auto& t : threads) t.join();

    std::vector<std::string> down;
    std::vector<std::string> collisions;
    for (size_t i = 0; i < targets_.size(); ++i) {
      const auto& config = targets_[i]->config();
      const RedfishTarget::Result& r = results[i];
      Write(out, config, Family::kUp, {}, r.up ? 1 : 0);
      Write(out, config, Family::kCollectionErrors, {}, static_cast<double>(r.errors.size()));
      Write(out, config, Family::kCollectionDuration, {}, absl::ToDoubleSeconds(r.duration));
      for (const auto& s : r.samples) Write(out, config, s.family, s.labels, s.value);
      if (!r.up) down.push_back(absl::StrCat(config.name, " (", r.down_reason, ")"));
      LogErrors(config.name, r);
      for (const auto& c : r.collisions) collisions.push_back(absl::StrCat(config.name, ": ", c));
    }
    collisions_.Record(collisions);
    collisions_.Write(out);
    if (invalid_ > 0) {
      common::log::Warn("redfish: samples dropped: label value is not valid UTF-8",
                        common::log::Kv("count", invalid_));
      invalid_ = 0;
    }
    if (!down.empty()) {
      return absl::UnavailableError(absl::StrCat("targets down: ", absl::StrJoin(down, ", ")));
    }
    return absl::OkStatus();
  }

 private:
  void Write(SampleWriter& out, const redfish::TargetConfig& config, Family f,
             const redfish::Labels& labels, double value) {
    labels_.clear();
    labels_.push_back(LabelRef{"target", config.name});
    for (const auto& [k, v] : config.labels) labels_.push_back(LabelRef{k, v});
    for (const auto& [k, v] : labels) {
      // A BMC is a peer: a label value that is not UTF-8 would make the whole scrape invalid.
      if (!common::IsValidUtf8(v)) {
        ++invalid_;
        return;
      }
      labels_.push_back(LabelRef{k, v});
    }
    const auto& info = redfish::Info(f);
    out.Add(MetricDesc{names_[static_cast<size_t>(f)], kGauge, info.help}, labels_, value);
  }

  // Errors are logged when the set of failing requests changes, not every collection.
  void LogErrors(const std::string& target, const RedfishTarget::Result& r) {
    std::string summary = absl::StrJoin(r.errors, "; ");
    std::string& last = last_errors_[target];
    if (summary == last) return;
    if (!r.errors.empty()) {
      common::log::Warn("redfish: requests failed",
                        common::log::Kv("target", target) +
                            common::log::Kv("count", static_cast<int64_t>(r.errors.size())) +
                            common::log::Kv("errors", summary.substr(0, 2000)));
    }
    last = std::move(summary);
  }

  std::vector<std::unique_ptr<RedfishTarget>> targets_;
  std::vector<std::string> names_;
  std::vector<LabelRef> labels_;
  std::map<std::string, std::string> last_errors_;
  int64_t invalid_ = 0;
  MemberCollisions collisions_{"redfish"};
};

}  // namespace

const std::vector<SourceOption>& RedfishOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"config", "", "Targets file (YAML): Redfish services to read, credentials, TLS, timeouts."},
      {"metrics-prefix", "redfish",
       "Metric name prefix (idrac_exporter's metrics_prefix; \"idrac\" gives its exact names)."},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeRedfishSource(const SourceContext& ctx) {
  const std::string path = ctx.Option("config");
  const std::string prefix = ctx.Option("metrics-prefix");
  if (!common::IsValidMetricName(prefix + "_up")) {
    return ctx.OptionError("metrics-prefix", "\"" + prefix + "\" does not make valid metric names");
  }
  if (path.empty()) {
    // Constructible without options like every source; each collection then fails with the
    // reason (logged as a warning once), so switching the source on without targets is visible.
    return SourcePtr(
        std::make_unique<RedfishSource>(std::vector<std::unique_ptr<RedfishTarget>>{}, prefix));
  }
  auto config = redfish::LoadRedfishConfig(path);
  if (!config.ok()) return ctx.OptionError("config", config.status().message());
  if (config->targets.empty()) {
    return ctx.OptionError("config", path + " lists no targets");
  }
  // The slow tier drops every value of a collection that overruns its deadline. A target's own
  // deadline therefore ends within the collection's budget (agent/source.h), so that a slow BMC
  // costs only its own series (redfish_up 0), not those of the other targets.
  const absl::Duration budget = ctx.WorkBudget();
  for (auto& target : config->targets) {
    if (target.deadline > budget) {
      common::log::Warn("redfish: target deadline shortened to fit the source timeout",
                        common::log::Kv("target", target.name) +
                            common::log::Kv("deadline", absl::FormatDuration(budget)) +
                            common::log::Kv("source_timeout", absl::FormatDuration(ctx.deadline)));
      target.deadline = budget;
      target.timeout = std::min(target.timeout, budget);
    }
  }
  if (absl::Status s = InitCurlOnce(); !s.ok()) return s;
  std::vector<std::unique_ptr<RedfishTarget>> targets;
  for (auto& t : config->targets) targets.push_back(std::make_unique<RedfishTarget>(std::move(t)));
  return SourcePtr(std::make_unique<RedfishSource>(std::move(targets), prefix));
}

}  // namespace hostmon::agent
