// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rule_engine.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "collector/alerting/engine_exposition.h"
#include "collector/alerting/state_codec.h"
#include "common/fs_root.h"

namespace hostmon::collector::alerting {
namespace {

// Protects the collector from a tiny agent interval combined with long windows; the oldest
// samples go first, so a window then covers less time than configured.
constexpr size_t kMaxSamplesPerSeries = 4096;
constexpr absl::Duration kDefaultInterval = absl::Seconds(15);
constexpr size_t kMaxCachedFamilies = 100000;
// Hosts a tick visits per hold of the engine's lock.
constexpr size_t kTickSliceHosts = 64;
constexpr char kSep = '\xff';  // cannot occur in valid UTF-8 label values

std::string LabelsKey(const LabelPairs& labels) {
  std::string key;
  for (const auto& [k, v] : labels) absl::StrAppend(&key, k, "=", v, std::string(1, kSep));
  return key;
}

LabelPairs WithSeverity(const LabelPairs& base, const std::string& severity) {
  LabelPairs out = base;
  out.emplace_back("severity", severity);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

struct RuleEngine::Instance {
  std::string host;
  LabelPairs base;   // alertname + series/by labels + host labels + rule labels, sorted
  LabelPairs group;  // the `by` labels with their values
  bool has_value = false;
  double value = 0;
  struct Level {
    absl::Time pending_since = absl::InfiniteFuture();
    bool firing = false;
    absl::Time fired_at = absl::InfinitePast();
    absl::Time false_since = absl::InfiniteFuture();  // keep_firing_for
  };
  std::vector<Level> levels;
  std::string announced;  // key into announced_ of the severity Alertmanager sees firing

  // Something left to show or to resolve: a value, a pending or firing level, an announcement.
  bool Active() const {
    bool active = !announced.empty() || has_value;
    for (const Level& l : levels) {
      active = active || l.firing || l.pending_since != absl::InfiniteFuture();
    }
    return active;
  }
};

struct RuleEngine::RuleRuntime {
  std::string name;
  std::string definition;
  const Rule* rule = nullptr;                   // user rules
  const HostAlertConfig* host_alert = nullptr;  // HostDown / AgentSilent
  std::vector<SeverityLevel> levels;
  Comparison op = Comparison::kGt;
  const std::vector<std::pair<std::string, Template>>* annotations = nullptr;
  int num_term = -1;
  int den_term = -1;
  // host -> group key -> instance
  absl::node_hash_map<std::string, Groups> instances;
};

struct RuleEngine::Announced {
  Notification n;
  enum State { kFiring, kHeld, kResolved } state = kFiring;
  absl::Time resolved_at = absl::InfinitePast();
  // kHeld: the resolution is sent when this passes (InfinitePast: at the next Tick).
  absl::Time hold_until = absl::InfinitePast();
  double rendered_value = std::numeric_limits<double>::quiet_NaN();  // of the annotations
};

struct RuleEngine::HostState {
  std::string name;
  LabelPairs labels;
  absl::node_hash_map<std::string, SeriesWindow> series;
  absl::flat_hash_map<std::string, bool> ignored;  // series of referenced families no term wants
  int64_t newest_ts_ms = 0;
  int64_t last_batch_ts_ms = 0;
  std::deque<absl::Duration> gaps;
  absl::Duration interval = kDefaultInterval;
  absl::Time last_activity = absl::InfinitePast();  // last batch (any) or connect
  absl::Time last_live = absl::InfinitePast();      // last evaluated batch
  int streams = 0;
  enum Conn { kUnknown, kConnected, kLost, kStopped } conn = kUnknown;
  bool drained = false;  // stopped because the collector closed the stream (shutdown)
  absl::Time lost_at = absl::InfinitePast();
};

RuleEngine::RuleEngine(RuleSet rules, const common::Clock* clock) : clock_(clock) {
  absl::MutexLock lock(&mu_);
  InstallRulesLocked(std::move(rules));
}

RuleEngine::~RuleEngine() = default;

void RuleEngine::SetGeneratorUrl(std::string url) {
  absl::MutexLock lock(&mu_);
  generator_url_ = std::move(url);
}

void RuleEngine::SetNotificationSink(NotificationSink* sink) {
  absl::MutexLock lock(&sink_mu_);
  sink_ = sink;
}

void RuleEngine::UnlockAndDeliver(std::vector<Notification> notifications) {
  if (notifications.empty()) {
    mu_.Unlock();
    return;
  }
  // The sink lock is taken before mu_ is released so that notifications decided on different
  // threads (a batch resolving what a Tick just fired) reach the sink in decision order.
  sink_mu_.Lock();
  mu_.Unlock();
  if (sink_ != nullptr) sink_->Notify(std::move(notifications));
  sink_mu_.Unlock();
}

// ---------------------------------------------------------------------------------------------
// Rules

void RuleEngine::InstallRulesLocked(RuleSet rules) {
  rules_ = std::move(rules);
  terms_.clear();
  family_terms_.clear();
  auto old = std::move(runtimes_);
  runtimes_.clear();

  auto adopt = [&](std::unique_ptr<RuleRuntime> fresh) {
    auto it = old.find(fresh->name);
    if (it != old.end() && it->second->definition == fresh->definition) {
      fresh->instances = std::move(it->second->instances);
      old.erase(it);
    }
    runtimes_[fresh->name] = std::move(fresh);
  };

  for (size_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& r = rules_.rules[i];
    auto rt = std::make_unique<RuleRuntime>();
    rt->name = r.name;
    rt->definition = r.definition;
    rt->rule = &r;
    rt->levels = r.severities;
    rt->op = r.op;
    rt->annotations = &r.annotations;
    rt->num_term = static_cast<int>(terms_.size());
    terms_.push_back({static_cast<int>(i), false, &r.expr.numerator});
    if (r.expr.has_denominator) {
      rt->den_term = static_cast<int>(terms_.size());
      terms_.push_back({static_cast<int>(i), true, &r.expr.denominator});
    }
    adopt(std::move(rt));
  }
  for (const HostAlertConfig* c : {&rules_.host_down, &rules_.agent_silent}) {
    auto rt = std::make_unique<RuleRuntime>();
    rt->name = c->alertname;
    rt->definition =
        absl::StrCat(c->alertname, "|", c->enabled, "|", c->severity, "|", LabelsKey(c->labels));
    rt->host_alert = c;
    SeverityLevel l;
    l.name = c->severity;
    l.for_duration = c == &rules_.host_down ? c->grace : absl::ZeroDuration();
    rt->levels.push_back(l);
    rt->annotations = &c->annotations;
    adopt(std::move(rt));
  }
  // Removed or changed rules: their alerts end now. Their firing notifications are resolved at
  // once (no flap hold: the operator changed the rule deliberately) by the caller's Tick/flush.
  for (auto& [name, rt] : old) {
    for (auto& [host, groups] : rt->instances) {
      for (auto& [gk, inst] : groups) {
        if (!inst.announced.empty()) {
          auto it = announced_.find(inst.announced);
          if (it != announced_.end() && it->second->state != Announced::kResolved) {
            it->second->state = Announced::kHeld;
            // Expire at the next Tick regardless of the flap window.
            it->second->resolved_at = absl::InfinitePast();
            it->second->hold_until = absl::InfinitePast();
          }
        }
      }
    }
  }
  for (auto& [name, host] : hosts_) {
    host->ignored.clear();
    for (auto it = host->series.begin(); it != host->series.end();) {
      RetermSeriesLocked(&it->second);
      if (it->second.terms.empty()) {
        host->series.erase(it++);
      } else {
        ++it;
      }
    }
  }
}

void RuleEngine::ReplaceRules(RuleSet rules) {
  std::vector<Notification> out;
  mu_.Lock();
  ++reloads_;
  InstallRulesLocked(std::move(rules));
  // Resolves the alerts of removed or changed rules right away (InstallRulesLocked ended their
  // holds). The hosts are left to the next sliced Tick: a reload may come from a web thread,
  // which runs at a lower priority and must not hold the lock every batch waits for while it
  // visits every host.
  TickAnnouncedLocked(clock_->Now(), &out);
  UnlockAndDeliver(std::move(out));
}

absl::Status RuleEngine::ReloadFromFile(const std::string& path) {
  absl::StatusOr<RuleSet> rules = LoadRulesFile(path);
  if (!rules.ok()) return rules.status();
  ReplaceRules(*std::move(rules));
  return absl::OkStatus();
}

size_t RuleEngine::rule_count() const {
  absl::MutexLock lock(&mu_);
  return rules_.rules.size();
}

size_t RuleEngine::tracked_series() const {
  absl::MutexLock lock(&mu_);
  size_t n = 0;
  for (const auto& [name, host] : hosts_) n += host->series.size();
  return n;
}

const std::vector<int>& RuleEngine::TermsForFamilyLocked(const std::string& family) {
  auto it = family_terms_.find(family);
  if (it != family_terms_.end()) return it->second;
  std::vector<int> ids;
  for (size_t i = 0; i < terms_.size(); ++i) {
    if (terms_[i].term->selector.MatchesName(family)) ids.push_back(static_cast<int>(i));
  }
  // The cache holds every family name seen; agents inventing names must not grow it forever.
  if (family_terms_.size() >= kMaxCachedFamilies) family_terms_.clear();
  return family_terms_.emplace(family, std::move(ids)).first->second;
}

void RuleEngine::RetermSeriesLocked(SeriesWindow* series) const {
  series->terms.clear();
  series->keep = absl::ZeroDuration();
  for (size_t i = 0; i < terms_.size(); ++i) {
    const Term& t = *terms_[i].term;
    if (t.selector.MatchesName(series->family) && t.selector.MatchesLabels(series->labels)) {
      series->terms.push_back(static_cast<int>(i));
      series->keep = std::max(series->keep, t.window);
    }
  }
}

absl::Duration RuleEngine::StalenessLocked(const HostState& host) const {
  if (rules_.settings.staleness > absl::ZeroDuration()) return rules_.settings.staleness;
  return host.interval * rules_.settings.staleness_intervals;
}

// ---------------------------------------------------------------------------------------------
// Input

void RuleEngine::OnBatch(const AppliedBatch& batch) {
  std::vector<Notification> out;
  mu_.Lock();
  {
    std::unique_ptr<HostState>& slot = hosts_[batch.host];
    if (slot == nullptr) {
      slot = std::make_unique<HostState>();
      slot->name = batch.host;
    }
    HostState* host = slot.get();
    if (!batch.host_labels.empty()) host->labels = batch.host_labels;
    host->last_activity = batch.arrival;
    // Data flowing means a stream is open, even if the engine missed the hello.
    if (host->conn != HostState::kConnected) {
      host->conn = HostState::kConnected;
      host->streams = std::max(host->streams, 1);
    }
    // The agent's interval is not announced to observers: the smallest of the last gaps between
    // batch timestamps estimates it (an outage makes one gap long, never a short one).
    if (batch.timestamp_ms > host->last_batch_ts_ms ||
        (!batch.replayed &&
         host->last_batch_ts_ms - batch.timestamp_ms > absl::ToInt64Milliseconds(absl::Hours(1)))) {
      if (host->last_batch_ts_ms > 0 && batch.timestamp_ms > host->last_batch_ts_ms) {
        host->gaps.push_back(absl::Milliseconds(batch.timestamp_ms - host->last_batch_ts_ms));
        if (host->gaps.size() > 4) host->gaps.pop_front();
        host->interval = *std::min_element(host->gaps.begin(), host->gaps.end());
      }
      host->last_batch_ts_ms = batch.timestamp_ms;
    }

    std::string key;
    const int64_t stale_ms = absl::ToInt64Milliseconds(StalenessLocked(*host));
    int64_t batch_newest = 0;
    // Whether a rule selects a family, asked once per family of the batch. Samples point at the
    // store's interned names, so within this call a pointer stands for its family, and hashing a
    // pointer costs a fraction of hashing the name again for each of a host's hundreds of
    // samples, most of them in families no rule selects.
    absl::flat_hash_map<const std::string*, bool> selected;
    for (const AppliedSample& s : batch.samples) {
      auto [sel, first] = selected.try_emplace(s.family, false);
      if (first) sel->second = !TermsForFamilyLocked(*s.family).empty();
      if (!sel->second) continue;
      key.assign(*s.family);
      key.push_back(kSep);
      for (const auto& [k, v] : *s.labels) absl::StrAppend(&key, k, "=", v, std::string(1, kSep));
      auto it = host->series.find(key);
      if (it == host->series.end()) {
        if (host->ignored.contains(key)) continue;
        SeriesWindow w;
        w.family = *s.family;
        w.labels = *s.labels;
        RetermSeriesLocked(&w);
        if (w.terms.empty()) {
          host->ignored.emplace(key, true);
          continue;
        }
        it = host->series.emplace(key, std::move(w)).first;
      }
      SeriesWindow& w = it->second;
      const int64_t ts = s.timestamp_ms != 0 ? s.timestamp_ms : batch.timestamp_ms;
      // Windows stay in time order: a sample not newer than the last one (a replay overlapping
      // live data) is dropped rather than inserted into the past, unless it is older by more
      // than the staleness period: then the agent's clock was stepped back and the window
      // restarts instead of ignoring the host until its clock catches up.
      if (!w.samples.empty() && ts <= w.samples.back().ts_ms) {
        if (batch.replayed || w.samples.back().ts_ms - ts <= stale_ms) continue;
        w.samples.clear();
      }
      PushSample(&w.samples, {ts, s.value}, w.keep, kMaxSamplesPerSeries);
      batch_newest = std::max(batch_newest, ts);
    }
    // Replayed batches (the agent's backlog after an outage) only fill windows: their data is
    // older than what the alerts already reflect, and evaluating them would replay old
    // transitions as if they happened now.
    if (!batch.replayed) {
      // Windows and staleness are measured on the agent's clock, at the newest live sample.
      if (batch_newest > 0) host->newest_ts_ms = batch_newest;
      host->last_live = batch.arrival;
      EvaluateHostLocked(host, batch.arrival, &out);
      HostAlertsLocked(host, batch.arrival, &out);
    }
  }
  UnlockAndDeliver(std::move(out));
}

void RuleEngine::OnHostEvent(absl::string_view host_name, const LabelPairs& host_labels,
                             HostEvent event, absl::Time when) {
  std::vector<Notification> out;
  mu_.Lock();
  {
    std::unique_ptr<HostState>& slot = hosts_[std::string(host_name)];
    if (slot == nullptr) {
      slot = std::make_unique<HostState>();
      slot->name = std::string(host_name);
    }
    HostState* host = slot.get();
    if (!host_labels.empty()) host->labels = host_labels;
    switch (event) {
      case HostEvent::kConnected:
        ++host->streams;
        host->drained = false;
        host->conn = HostState::kConnected;
        host->last_activity = when;
        break;
      case HostEvent::kGoodbye:
      case HostEvent::kStreamLost:
      case HostEvent::kDrained:
        host->streams = std::max(0, host->streams - 1);
        if (host->streams == 0) {
          // Only a lost stream can become HostDown: a goodbye is a deliberate stop and a drain
          // is the collector's own shutdown.
          host->conn = event == HostEvent::kStreamLost ? HostState::kLost : HostState::kStopped;
          host->drained = event == HostEvent::kDrained;
          host->lost_at = when;
        }
        break;
    }
    HostAlertsLocked(host, when, &out);
  }
  UnlockAndDeliver(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// Evaluation

namespace {

// The aggregation of one `by` group of one term, with the group's label values.
struct GroupAccumulator {
  Accumulator acc;
  LabelPairs group;
};

}  // namespace

void RuleEngine::EvaluateHostLocked(HostState* host, absl::Time now,
                                    std::vector<Notification>* out) {
  ++evaluations_;
  const int64_t end = host->newest_ts_ms;
  const int64_t stale_before = end - absl::ToInt64Milliseconds(StalenessLocked(*host));
  std::vector<absl::flat_hash_map<std::string, GroupAccumulator>> acc(terms_.size());
  std::string gk;
  for (auto it = host->series.begin(); it != host->series.end();) {
    SeriesWindow& w = it->second;
    // A series that stopped arriving (disk removed, interface gone) must not keep its alert
    // frozen at the last value: it leaves the evaluation and its window is freed.
    if (w.samples.empty() || w.samples.back().ts_ms < stale_before) {
      host->series.erase(it++);
      continue;
    }
    for (int t : w.terms) {
      const TermRef& ref = terms_[t];
      const std::optional<double> v =
          ApplyWindowFunction(ref.term->func, ref.term->window, w.samples, end);
      if (!v) continue;
      const Expression& e = rules_.rules[ref.rule].expr;
      gk.clear();
      for (const std::string& l : e.by) {
        absl::StrAppend(&gk, FindLabel(w.labels, l), std::string(1, kSep));
      }
      GroupAccumulator& a = acc[t][gk];
      if (a.acc.count == 0) {
        for (const std::string& l : e.by) {
          absl::string_view lv = FindLabel(w.labels, l);
          if (!lv.empty()) a.group.emplace_back(l, std::string(lv));
        }
      }
      a.acc.Add(*v);
    }
    ++it;
  }

  for (auto& [name, rt] : runtimes_) {
    if (rt->rule == nullptr) continue;
    const Rule& rule = *rt->rule;
    auto& groups = rt->instances[host->name];
    for (auto& [k, inst] : groups) inst.has_value = false;
    for (auto& [key, num] : acc[rt->num_term]) {
      double v = num.acc.Get(rule.expr.numerator.aggregate);
      if (rt->den_term >= 0) {
        auto d = acc[rt->den_term].find(key);
        // No denominator or a zero one (an idle disk has no completed I/O to divide by): the
        // group has no value this time, which is "not breaching", never a division by zero.
        if (d == acc[rt->den_term].end()) continue;
        const double den = d->second.acc.Get(rule.expr.denominator.aggregate);
        if (den == 0 || !std::isfinite(den)) continue;
        v /= den;
      }
      if (rule.expr.complement) v = 1 - v;
      v *= rule.expr.scale;
      if (!std::isfinite(v)) continue;
      auto [iit, created] = groups.try_emplace(key);
      Instance& inst = iit->second;
      if (created) {
        std::map<std::string, std::string> labels;
        for (const auto& [lk, lv] : num.group) labels[lk] = lv;
        for (const auto& [lk, lv] : host->labels) labels[lk] = lv;
        for (const auto& [lk, lv] : rule.labels) labels[lk] = lv;
        labels["alertname"] = rule.name;
        labels.erase("severity");
        labels.erase("alertstate");
        inst.base.assign(labels.begin(), labels.end());
        inst.group = num.group;
        inst.host = host->name;
        inst.levels.resize(rt->levels.size());
      }
      inst.has_value = true;
      inst.value = v;
    }
    UpdateGroupsLocked(rt.get(), &groups, now, out);
    if (groups.empty()) rt->instances.erase(host->name);
  }
}

void RuleEngine::UpdateInstanceLocked(RuleRuntime* rt, Instance* inst, absl::Time now,
                                      std::vector<Notification>* out) {
  for (size_t i = 0; i < rt->levels.size(); ++i) {
    const SeverityLevel& cfg = rt->levels[i];
    Instance::Level& l = inst->levels[i];
    bool cond = inst->has_value;
    if (rt->rule != nullptr && cond) {
      // Hysteresis: a firing level holds until the value crosses its clear threshold.
      cond = Compare(rt->op, inst->value, l.firing ? cfg.clear : cfg.threshold);
    }
    if (cond) {
      l.false_since = absl::InfiniteFuture();
      if (l.pending_since == absl::InfiniteFuture()) l.pending_since = now;
      if (!l.firing && now - l.pending_since >= cfg.for_duration) {
        l.firing = true;
        l.fired_at = now;
      }
    } else if (l.firing) {
      if (l.false_since == absl::InfiniteFuture()) l.false_since = now;
      if (now - l.false_since >= cfg.keep_firing_for) {
        l = Instance::Level();
      }
    } else {
      l = Instance::Level();
    }
  }
  AnnounceLocked(rt, inst, now, out);
}

void RuleEngine::UpdateGroupsLocked(RuleRuntime* rt, Groups* groups, absl::Time now,
                                    std::vector<Notification>* out) {
  for (auto it = groups->begin(); it != groups->end();) {
    UpdateInstanceLocked(rt, &it->second, now, out);
    if (!it->second.Active()) {
      groups->erase(it++);
    } else {
      ++it;
    }
  }
}

void RuleEngine::AnnounceLocked(const RuleRuntime* rt, Instance* inst, absl::Time now,
                                std::vector<Notification>* out) {
  int top = -1;
  for (size_t i = 0; i < inst->levels.size(); ++i) {
    if (inst->levels[i].firing) top = static_cast<int>(i);
  }
  LabelPairs labels;
  std::string key;
  if (top >= 0) {
    labels = WithSeverity(inst->base, rt->levels[top].name);
    key = LabelsKey(labels);
  }
  if (key != inst->announced) {
    if (!inst->announced.empty()) {
      ResolveAnnouncedLocked(inst->announced, now,
                             rules_.settings.flap_window > absl::ZeroDuration(), out);
    }
    inst->announced = key;
    if (top >= 0) {
      std::unique_ptr<Announced>& a = announced_[key];
      if (a != nullptr && a->state == Announced::kHeld && a->hold_until != absl::InfinitePast()) {
        // Fired again within the flap window: Alertmanager still believes it is firing, so
        // nothing is sent; the original start time stays.
        a->state = Announced::kFiring;
        a->resolved_at = absl::InfinitePast();
        ++flaps_suppressed_;
      } else {
        a = std::make_unique<Announced>();
        a->n.labels = labels;
        a->n.generator_url = generator_url_;
        a->n.starts_at = inst->levels[top].pending_since;
        a->n.ends_at = absl::InfiniteFuture();
        a->state = Announced::kFiring;
        for (const auto& [k, t] : *rt->annotations) {
          a->n.annotations.emplace_back(k, t.Render(inst->value, labels));
        }
        a->rendered_value = inst->value;
        ++notifications_;
        out->push_back(a->n);
        return;
      }
    }
  }
  // Keep the texts of a firing alert current for re-sends ({{ $value }} moves).
  if (top >= 0 && inst->has_value) {
    Announced& a = *announced_.at(key);
    if (a.rendered_value == inst->value) return;
    a.rendered_value = inst->value;
    a.n.annotations.clear();
    for (const auto& [k, t] : *rt->annotations) {
      a.n.annotations.emplace_back(k, t.Render(inst->value, a.n.labels));
    }
  }
}

void RuleEngine::ResolveAnnouncedLocked(const std::string& key, absl::Time now, bool hold,
                                        std::vector<Notification>* out) {
  auto it = announced_.find(key);
  if (it == announced_.end()) return;
  Announced& a = *it->second;
  if (a.state != Announced::kFiring) return;
  a.resolved_at = now;
  if (hold) {
    a.state = Announced::kHeld;
    a.hold_until = now + rules_.settings.flap_window;
    return;
  }
  a.state = Announced::kResolved;
  a.n.ends_at = now;
  ++notifications_;
  out->push_back(a.n);
}

// ---------------------------------------------------------------------------------------------
// Host alerts and time

void RuleEngine::SetHostAlertLocked(RuleRuntime* rt, HostState* host, bool condition, double value,
                                    absl::Time since, absl::Time now,
                                    std::vector<Notification>* out) {
  auto& groups = rt->instances[host->name];
  auto it = groups.find("");
  if (it == groups.end()) {
    if (!condition) {
      if (groups.empty()) rt->instances.erase(host->name);
      return;
    }
    it = groups.try_emplace("").first;
    std::map<std::string, std::string> labels;
    for (const auto& [k, v] : host->labels) labels[k] = v;
    if (labels.find("instance") == labels.end()) labels["instance"] = host->name;
    for (const auto& [k, v] : rt->host_alert->labels) labels[k] = v;
    labels["alertname"] = rt->name;
    labels.erase("severity");
    it->second.base.assign(labels.begin(), labels.end());
    it->second.host = host->name;
    it->second.levels.resize(rt->levels.size());
  }
  Instance& inst = it->second;
  inst.has_value = condition;
  inst.value = value;
  // The grace counts from the event (a restored host: from the restart), not from the first
  // Tick that looked at the host.
  for (Instance::Level& l : inst.levels) {
    if (condition && l.pending_since == absl::InfiniteFuture()) l.pending_since = since;
  }
  UpdateInstanceLocked(rt, &inst, now, out);
  // A host alert's level is pending only while its condition holds (has_value), so Active()
  // needs no special case here.
  if (!inst.Active()) groups.erase(it);
  if (groups.empty()) rt->instances.erase(host->name);
}

void RuleEngine::HostAlertsLocked(HostState* host, absl::Time now, std::vector<Notification>* out) {
  auto down = runtimes_.find(rules_.host_down.alertname);
  if (down != runtimes_.end()) {
    const bool cond = rules_.host_down.enabled && host->conn == HostState::kLost;
    SetHostAlertLocked(down->second.get(), host, cond,
                       cond ? absl::ToDoubleSeconds(now - host->lost_at) : 0, host->lost_at, now,
                       out);
  }
  auto silent = runtimes_.find(rules_.agent_silent.alertname);
  if (silent != runtimes_.end()) {
    const HostAlertConfig& c = rules_.agent_silent;
    absl::Duration grace = c.grace > absl::ZeroDuration()
                               ? c.grace
                               : std::max(c.min_grace, host->interval * c.intervals);
    const absl::Duration quiet = now - host->last_activity;
    const bool cond = c.enabled && host->conn == HostState::kConnected && quiet >= grace;
    SetHostAlertLocked(silent->second.get(), host, cond, cond ? absl::ToDoubleSeconds(quiet) : 0,
                       now, now, out);
  }
}

void RuleEngine::Tick(absl::Time now) {
  // In slices of hosts, the lock released between them: a tick visits every host, and every
  // host's batches wait for this lock meanwhile (2,000 hosts: milliseconds per tick, which was
  // the acknowledgements' p99). A host that changes between slices is seen as it is when its
  // slice runs, with the tick's `now`. Each slice delivers its own notifications before the lock
  // is let go: what other threads decide in between must reach the sink after them (a firing
  // held back to the tick's end could otherwise follow its own resolution).
  std::vector<std::string> names;
  {
    absl::MutexLock lock(&mu_);
    names.reserve(hosts_.size());
    for (const auto& [name, host] : hosts_) names.push_back(name);
  }
  for (size_t i = 0; i < names.size(); i += kTickSliceHosts) {
    std::vector<Notification> out;
    mu_.Lock();
    const size_t end = std::min(names.size(), i + kTickSliceHosts);
    for (size_t j = i; j < end; ++j) TickHostLocked(names[j], now, &out);
    UnlockAndDeliver(std::move(out));
  }
  std::vector<Notification> out;
  mu_.Lock();
  TickAnnouncedLocked(now, &out);
  UnlockAndDeliver(std::move(out));
}

void RuleEngine::TickHostLocked(const std::string& name, absl::Time now,
                                std::vector<Notification>* out) {
  auto hit = hosts_.find(name);
  if (hit == hosts_.end()) return;  // forgotten since the tick listed it
  HostState* host = hit->second.get();
  // A host that sends nothing (silent agent, lost stream, clean stop) must not keep its alerts
  // frozen: once all its data is stale they are evaluated as having no value.
  if (!host->series.empty() && now - host->last_activity > StalenessLocked(*host)) {
    host->series.clear();
    host->ignored.clear();
    for (auto& [rname, rt] : runtimes_) {
      if (rt->rule == nullptr) continue;
      auto g = rt->instances.find(name);
      if (g == rt->instances.end()) continue;
      for (auto& [k, inst] : g->second) inst.has_value = false;
    }
  }
  HostAlertsLocked(host, now, out);
  // Every rule's instances live under a host of hosts_ (instances are made for a known host, and
  // a host is forgotten only once it has none), so visiting the hosts visits them all.
  bool has_instances = false;
  for (auto& [rname, rt] : runtimes_) {
    auto g = rt->instances.find(name);
    if (g == rt->instances.end()) continue;
    if (rt->rule != nullptr) {
      UpdateGroupsLocked(rt.get(), &g->second, now, out);
      if (g->second.empty()) {
        rt->instances.erase(g);
        continue;
      }
    }
    has_instances = true;
  }
  // Hosts that said goodbye (or were drained) and have nothing left are forgotten, so the host
  // table does not grow with every short-lived machine.
  if (host->conn == HostState::kStopped && !host->drained && host->series.empty() &&
      !has_instances) {
    hosts_.erase(hit);
  }
}

void RuleEngine::TickAnnouncedLocked(absl::Time now, std::vector<Notification>* out) {
  for (auto it = announced_.begin(); it != announced_.end();) {
    Announced& a = *it->second;
    if (a.state == Announced::kHeld && now >= a.hold_until) {
      // The hold ends: Alertmanager learns of the resolution, dated when it really happened.
      if (a.resolved_at == absl::InfinitePast()) a.resolved_at = now;
      a.state = Announced::kResolved;
      a.n.ends_at = a.resolved_at;
      ++notifications_;
      out->push_back(a.n);
    }
    if (a.state == Announced::kResolved &&
        now - a.resolved_at > rules_.settings.resolved_retention) {
      announced_.erase(it++);
    } else {
      ++it;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs

std::vector<Alert> RuleEngine::Alerts() const {
  std::vector<Alert> alerts;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, rt] : runtimes_) {
    for (const auto& [host, groups] : rt->instances) {
      for (const auto& [gk, inst] : groups) {
        int firing = -1, pending = -1;
        for (size_t i = 0; i < inst.levels.size(); ++i) {
          if (inst.levels[i].firing) firing = static_cast<int>(i);
          if (inst.levels[i].pending_since != absl::InfiniteFuture()) {
            pending = static_cast<int>(i);
          }
        }
        const int level = firing >= 0 ? firing : pending;
        if (level < 0) continue;
        Alert a;
        a.labels = WithSeverity(inst.base, rt->levels[level].name);
        for (const auto& [k, t] : *rt->annotations) {
          a.annotations.emplace_back(k, t.Render(inst.value, a.labels));
        }
        a.state = firing >= 0 ? AlertState::kFiring : AlertState::kPending;
        a.value = inst.value;
        a.active_at = inst.levels[level].pending_since;
        if (firing >= 0) a.fired_at = inst.levels[level].fired_at;
        alerts.push_back(std::move(a));
      }
    }
  }
  std::sort(alerts.begin(), alerts.end(),
            [](const Alert& a, const Alert& b) { return a.labels < b.labels; });
  return alerts;
}

std::vector<Notification> RuleEngine::NotificationsToResend(absl::Time now) const {
  std::vector<Notification> out;
  absl::MutexLock lock(&mu_);
  for (const auto& [key, a] : announced_) {
    if (a->state == Announced::kResolved) {
      if (now - a->resolved_at <= rules_.settings.resolved_retention) out.push_back(a->n);
    } else {
      // Held resolutions are still firing as far as Alertmanager knows.
      Notification n = a->n;
      n.ends_at = absl::InfiniteFuture();
      out.push_back(std::move(n));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Notification& a, const Notification& b) { return a.labels < b.labels; });
  return out;
}

void RuleEngine::WriteExposition(std::string* out) const {
  const std::vector<Alert> alerts = Alerts();
  std::vector<std::pair<LabelPairs, double>> values;
  EngineStats stats;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, rt] : runtimes_) {
      if (rt->rule == nullptr) continue;
      for (const auto& [host, groups] : rt->instances) {
        for (const auto& [gk, inst] : groups) {
          if (inst.has_value) values.emplace_back(inst.base, inst.value);
        }
      }
    }
    for (const auto& [name, host] : hosts_) stats.tracked_series += host->series.size();
    stats.rules = rules_.rules.size();
    stats.evaluations = evaluations_;
    stats.notifications = notifications_;
    stats.flaps_suppressed = flaps_suppressed_;
    stats.rule_reloads = reloads_;
  }
  WriteEngineExposition(alerts, std::move(values), stats, out);
}

// ---------------------------------------------------------------------------------------------
// State across restarts

std::string RuleEngine::SaveState() const {
  SavedState state;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, host] : hosts_) {
    // Hosts that said goodbye are not expected back; all others are, after the restart.
    const bool lost = host->conn == HostState::kLost;
    if (!lost && host->conn != HostState::kConnected && !host->drained) continue;
    state.hosts.push_back({host->name, host->labels,
                           lost ? std::optional<absl::Time>(host->lost_at) : std::nullopt,
                           host->interval});
  }
  for (const auto& [key, a] : announced_) {
    // Held resolutions are still firing as far as Alertmanager knows.
    state.alerts.push_back({a->n, a->state != Announced::kResolved});
  }
  return EncodeState(state);
}

absl::Status RuleEngine::RestoreState(absl::string_view text) {
  // Decoded completely first: bad input must not leave half a state behind.
  absl::StatusOr<SavedState> state = DecodeState(text);
  if (!state.ok()) return state.status();

  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  for (SavedHost& r : state->hosts) {
    std::unique_ptr<HostState>& slot = hosts_[r.name];
    if (slot != nullptr) continue;  // already seen live: that is newer
    slot = std::make_unique<HostState>();
    slot->name = r.name;
    slot->labels = std::move(r.labels);
    slot->conn = HostState::kLost;
    // A host connected at shutdown gets the full grace from the restart to come back.
    slot->lost_at = r.lost_at.value_or(now);
    slot->interval = r.interval > absl::ZeroDuration() ? r.interval : kDefaultInterval;
  }
  for (SavedAlert& saved : state->alerts) {
    Notification& n = saved.notification;
    const std::string key = LabelsKey(n.labels);
    if (announced_.contains(key)) continue;
    auto a = std::make_unique<Announced>();
    if (saved.firing) {
      // Held, as if it had just resolved: if it fires again once its rule has data and its
      // `for` elapsed, nothing is sent and startsAt stays; otherwise its resolution is sent.
      absl::Duration longest_for = absl::ZeroDuration();
      auto rt = runtimes_.find(std::string(FindLabel(n.labels, "alertname")));
      if (rt != runtimes_.end()) {
        for (const SeverityLevel& l : rt->second->levels) {
          longest_for = std::max(longest_for, l.for_duration);
        }
      }
      a->state = Announced::kHeld;
      a->resolved_at = now;
      a->hold_until = now + longest_for + std::max(rules_.settings.flap_window, absl::Minutes(1));
      n.ends_at = absl::InfiniteFuture();
    } else {
      a->state = Announced::kResolved;
      a->resolved_at = n.ends_at;
    }
    a->n = std::move(n);
    a->n.generator_url = generator_url_;
    announced_[key] = std::move(a);
  }
  return absl::OkStatus();
}

absl::Status RuleEngine::SaveStateFile(const std::string& path) const {
  return WriteStateFile(path, SaveState());
}

absl::Status RuleEngine::RestoreStateFile(const std::string& path) {
  std::string text;
  absl::Status s = common::ReadFileTo(path, &text);
  if (absl::IsNotFound(s)) return absl::OkStatus();
  if (!s.ok()) return s;
  s = RestoreState(text);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  return absl::OkStatus();
}

}  // namespace hostmon::collector::alerting
