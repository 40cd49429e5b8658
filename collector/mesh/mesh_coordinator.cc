// SPDX-License-Identifier: Apache-2.0
#include "collector/mesh/mesh_coordinator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "absl/strings/numbers.h"
#include "common/log.h"
#include "nlohmann/json.hpp"

namespace hostmon::collector {
namespace {

namespace pb = ::hostmon::ingest::v1;
namespace log = ::hostmon::common::log;

const std::string kBucket = "hostmon_mesh_rtt_seconds_bucket";
const std::string kProbes = "hostmon_mesh_probes_total";
const std::string kFailures = "hostmon_mesh_probe_failures_total";
const std::string kSlowPeers = "hostmon_mesh_slow_peers_ratio";
const std::string kSlowProbers = "hostmon_mesh_slow_probers_ratio";

bool ParseLe(absl::string_view text, double* out) {
  if (text == "+Inf" || text == "Inf" || text == "inf") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  return absl::SimpleAtod(text, out);
}

// JSON has no NaN: a figure without data is null.
nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

double MeshHistogramQuantile(double q, const std::vector<double>& bounds,
                             const std::vector<double>& cumulative) {
  if (bounds.empty() || cumulative.size() != bounds.size()) return NAN;
  const double total = cumulative.back();
  if (!(total > 0)) return NAN;
  const double rank = q * total;
  double lower = 0, below = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (cumulative[i] >= rank) {
      // In the +Inf bucket: the highest finite bound, as histogram_quantile answers.
      if (std::isinf(bounds[i])) return i > 0 ? bounds[i - 1] : NAN;
      const double in_bucket = cumulative[i] - below;
      if (in_bucket <= 0) return bounds[i];
      return lower + (bounds[i] - lower) * (rank - below) / in_bucket;
    }
    lower = bounds[i];
    below = cumulative[i];
  }
  return bounds.size() > 1 ? bounds[bounds.size() - 2] : NAN;
}

MeshCoordinator::MeshCoordinator(MeshConfig config, BatchObserver* next, const common::Clock* clock)
    : config_(std::move(config)), next_(next), clock_(clock) {
  std::random_device rd;
  seed_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

MeshCoordinator::~MeshCoordinator() { Stop(); }

void MeshCoordinator::Start() {
  rotator_ = std::thread([this] { RotateLoop(); });
}

void MeshCoordinator::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (rotator_.joinable()) rotator_.join();
}

void MeshCoordinator::RotateLoop() {
  absl::MutexLock lock(&mu_);
  while (!clock_->AwaitWithDeadline(&mu_, absl::Condition(&stopping_),
                                    clock_->Now() + config_.rotation_interval)) {
    // Small fleets probe every pair: nothing to rotate.
    if (members_.size() <= static_cast<size_t>(config_.max_peers_per_agent) + 1) continue;
    seed_ = seed_ * 6364136223846793005ull + 1442695040888963407ull;
    ReplanLocked();
  }
}

uint64_t MeshCoordinator::Join(const std::string& host, const LabelPairs& host_labels,
                               const std::string& address, PlanSink sink) {
  absl::MutexLock lock(&mu_);
  Member& m = members_[host];
  m.id = next_id_++;
  m.member = {host, address, std::string(FindLabel(host_labels, config_.group_label))};
  m.sink = std::move(sink);
  m.sent.clear();
  m.has_sent = false;
  log::Info("mesh member joined",
            log::Kv("host", host) + log::Kv("address", address) + log::Kv("group", m.member.group));
  ReplanLocked();
  return m.id;
}

void MeshCoordinator::Leave(uint64_t id) {
  absl::MutexLock lock(&mu_);
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->second.id != id) continue;
    log::Info("mesh member left", log::Kv("host", it->first));
    verdicts_.erase(it->first);
    members_.erase(it);
    ReplanLocked();
    return;
  }
}

void MeshCoordinator::ReplanLocked() {
  std::vector<MeshMember> ms;
  for (const auto& [host, m] : members_) ms.push_back(m.member);
  std::map<std::string, std::vector<PlannedPeer>> plans = ComputeMeshPlans(ms, config_, seed_);
  ++version_;
  for (auto& [host, m] : members_) {
    const std::vector<PlannedPeer>& plan = plans[host];
    if (m.has_sent && m.sent == plan) continue;
    pb::MeshPlan msg;
    msg.set_version(version_);
    for (const PlannedPeer& p : plan) {
      pb::MeshPeer* peer = msg.add_peers();
      peer->set_host_name(p.host);
      peer->set_address(p.address);
      peer->set_link_class(p.link_class);
    }
    m.sink(msg);
    m.sent = plan;
    m.has_sent = true;
  }
  // Links of hosts that are no longer planned age out of the window on their own; links whose
  // source left are dropped now (their source sends nothing any more).
  for (auto it = links_.begin(); it != links_.end();) {
    it = members_.count(it->first) ? std::next(it) : links_.erase(it);
  }
}

bool MeshCoordinator::LinkStatsLocked(const Link& link, MeshLinkStats* out) const {
  if (link.snaps.empty()) return false;
  const Snapshot& a = link.snaps.front();
  const Snapshot& b = link.snaps.back();
  out->link_class = link.link_class;
  // One snapshot: the counters since the agent started probing the peer.
  const bool single = link.snaps.size() == 1 || a.bounds != b.bounds;
  std::vector<double> delta = b.cumulative;
  if (!single) {
    for (size_t i = 0; i < delta.size(); ++i) delta[i] -= a.cumulative[i];
  }
  out->probes = single ? b.probes : b.probes - a.probes;
  const double failures = single ? b.failures : b.failures - a.failures;
  out->loss = out->probes > 0 ? failures / out->probes : NAN;
  out->p50 = MeshHistogramQuantile(0.5, b.bounds, delta);
  out->p99 = MeshHistogramQuantile(0.99, b.bounds, delta);
  return true;
}

bool MeshCoordinator::SlowLocked(const MeshLinkStats& s) const {
  if (std::isfinite(s.loss) && s.loss >= config_.slow_loss_ratio) return true;
  auto it = config_.slow_rtt.find(s.link_class);
  if (it == config_.slow_rtt.end() || !std::isfinite(s.p50)) return false;
  return s.p50 > absl::ToDoubleSeconds(it->second);
}

bool MeshCoordinator::LinkStats(const std::string& source, const std::string& peer,
                                MeshLinkStats* out) const {
  absl::MutexLock lock(&mu_);
  auto s = links_.find(source);
  if (s == links_.end()) return false;
  auto p = s->second.find(peer);
  return p != s->second.end() && LinkStatsLocked(p->second, out);
}

void MeshCoordinator::OnBatch(const AppliedBatch& batch) {
  struct Partial {
    std::string link_class;
    std::vector<std::pair<double, double>> buckets;
    double probes = 0, failures = 0;
  };
  std::map<std::string, Partial> seen;
  for (const AppliedSample& s : batch.samples) {
    const bool bucket = *s.family == kBucket;
    const bool probes = *s.family == kProbes;
    const bool failures = *s.family == kFailures;
    if (!bucket && !probes && !failures) continue;
    const std::string peer(FindLabel(*s.labels, "peer"));
    if (peer.empty()) continue;
    Partial& p = seen[peer];
    p.link_class = std::string(FindLabel(*s.labels, "class"));
    if (bucket) {
      double le;
      if (ParseLe(FindLabel(*s.labels, "le"), &le)) p.buckets.emplace_back(le, s.value);
    } else if (probes) {
      p.probes = s.value;
    } else {
      p.failures = s.value;
    }
  }
  // Replayed batches are older than what the window holds; the matrix is about now.
  if (batch.replayed) {
    next_->OnBatch(batch);
    return;
  }
  std::vector<AppliedSample> derived;
  double slow_peers = NAN, slow_probers = NAN;
  {
    absl::MutexLock lock(&mu_);
    const int64_t window_ms = absl::ToInt64Milliseconds(config_.window);
    if (!seen.empty() && members_.count(batch.host)) {
      std::map<std::string, Link>& links = links_[batch.host];
      for (auto& [peer, p] : seen) {
        std::sort(p.buckets.begin(), p.buckets.end());
        Snapshot snap;
        snap.ts_ms = batch.timestamp_ms;
        for (const auto& [le, v] : p.buckets) {
          snap.bounds.push_back(le);
          snap.cumulative.push_back(v);
        }
        snap.probes = p.probes;
        snap.failures = p.failures;
        Link& link = links[peer];
        link.link_class = p.link_class;
        // A counter that went down: the agent restarted; the history before it is useless.
        if (!link.snaps.empty() &&
            (snap.probes < link.snaps.back().probes || snap.ts_ms <= link.snaps.back().ts_ms)) {
          if (snap.ts_ms <= link.snaps.back().ts_ms) continue;
          link.snaps.clear();
        }
        link.snaps.push_back(std::move(snap));
        while (link.snaps.size() > 1 && link.snaps.front().ts_ms < batch.timestamp_ms - window_ms) {
          link.snaps.pop_front();
        }
        // Bounded whatever the agent's interval: at most 1000 snapshots per link.
        while (link.snaps.size() > 1000) link.snaps.pop_front();
      }
      // Peers the agent no longer reports (left its plan) leave the matrix.
      for (auto it = links.begin(); it != links.end();) {
        it = seen.count(it->first) ? std::next(it) : links.erase(it);
      }
    }
    // This host as a source: how many of its peers are slow from here.
    if (auto it = links_.find(batch.host); it != links_.end()) {
      int n = 0, slow = 0;
      for (const auto& [peer, link] : it->second) {
        MeshLinkStats st;
        if (!LinkStatsLocked(link, &st) || !(st.probes > 0)) continue;
        ++n;
        slow += SlowLocked(st) ? 1 : 0;
      }
      if (n > 0) slow_peers = static_cast<double>(slow) / n;
    }
    // This host as a peer: how many of its probers see it slow.
    {
      int n = 0, slow = 0;
      for (const auto& [source, links] : links_) {
        auto it = links.find(batch.host);
        MeshLinkStats st;
        if (it == links.end() || !LinkStatsLocked(it->second, &st) || !(st.probes > 0)) continue;
        ++n;
        slow += SlowLocked(st) ? 1 : 0;
      }
      if (n > 0) slow_probers = static_cast<double>(slow) / n;
    }
    if (std::isfinite(slow_peers) || std::isfinite(slow_probers)) {
      verdicts_[batch.host] = {slow_peers, slow_probers};
    } else {
      verdicts_.erase(batch.host);
    }
  }
  if (!std::isfinite(slow_peers) && !std::isfinite(slow_probers)) {
    next_->OnBatch(batch);
    return;
  }
  static const LabelPairs kNoLabels;
  AppliedBatch with = batch;
  if (std::isfinite(slow_peers)) {
    with.samples.push_back({&kSlowPeers, pb::METRIC_TYPE_GAUGE, &kNoLabels, slow_peers, 0});
  }
  if (std::isfinite(slow_probers)) {
    with.samples.push_back({&kSlowProbers, pb::METRIC_TYPE_GAUGE, &kNoLabels, slow_probers, 0});
  }
  next_->OnBatch(with);
}

void MeshCoordinator::OnDuplicate(absl::string_view host, uint64_t epoch, uint64_t sequence,
                                  const AckHoldPtr& hold) {
  next_->OnDuplicate(host, epoch, sequence, hold);
}

void MeshCoordinator::OnHostEvent(absl::string_view host, const LabelPairs& host_labels,
                                  HostEvent event, absl::Time when) {
  next_->OnHostEvent(host, host_labels, event, when);
}

int MeshCoordinator::ServeMesh(std::string* body, std::string* content_type) const {
  nlohmann::json members = nlohmann::json::array();
  nlohmann::json matrix = nlohmann::json::object();
  nlohmann::json hosts = nlohmann::json::object();
  uint64_t version;
  {
    absl::MutexLock lock(&mu_);
    version = version_;
    for (const auto& [host, m] : members_) {
      nlohmann::json peers = nlohmann::json::array();
      for (const PlannedPeer& p : m.sent) peers.push_back(p.host);
      members.push_back({{"host", host},
                         {"address", m.member.address},
                         {"group", m.member.group},
                         {"peers", peers}});
    }
    for (const auto& [source, links] : links_) {
      nlohmann::json row = nlohmann::json::object();
      for (const auto& [peer, link] : links) {
        MeshLinkStats st;
        if (!LinkStatsLocked(link, &st)) continue;
        row[peer] = {{"class", st.link_class},     {"p50_seconds", Num(st.p50)},
                     {"p99_seconds", Num(st.p99)}, {"loss_ratio", Num(st.loss)},
                     {"probes", st.probes},        {"slow", SlowLocked(st)}};
      }
      matrix[source] = row;
    }
    for (const auto& [host, v] : verdicts_) {
      hosts[host] = {{"slow_peers_ratio", Num(v.first)}, {"slow_probers_ratio", Num(v.second)}};
    }
  }
  nlohmann::json out = {{"status", "success"},
                        {"data",
                         {{"plan_version", version},
                          {"window_seconds", absl::ToDoubleSeconds(config_.window)},
                          {"members", members},
                          {"matrix", matrix},
                          {"hosts", hosts}}}};
  *body = out.dump();
  body->push_back('\n');
  *content_type = "application/json";
  return 200;
}

}  // namespace hostmon::collector
