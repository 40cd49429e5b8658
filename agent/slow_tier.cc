// SPDX-License-Identifier: Apache-2.0
#include "agent/slow_tier.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/source_outcome.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace hostmon::agent {

namespace log = common::log;

namespace {

constexpr MetricDesc kInFlight{
    "hostmon_agent_slow_source_in_flight", kGauge,
    "1 while a collection of the slow source is running (at most one per source)."};
constexpr MetricDesc kTimeouts{"hostmon_agent_slow_source_timeouts_total", kCounter,
                               "Collections of the slow source that overran its timeout."};
constexpr MetricDesc kSkipped{
    "hostmon_agent_slow_source_skipped_ticks_total", kCounter,
    "Scheduled collections skipped because the previous one was still running."};
constexpr MetricDesc kLastSuccess{
    "hostmon_agent_slow_source_last_success_timestamp_seconds", kGauge,
    "Unix time at which the slow source's last successful collection finished (0: never)."};

// One collection's samples with owned strings. Cleared by resetting counts, so that the strings'
// capacity is reused by the next collection.
struct Recorded {
  struct Family {
    std::string name;
    MetricType type = kGauge;
    std::string help;
    bool is_up = false;  // a `*_up` family: still exported (as 0) when the source is overdue
  };
  struct Sample {
    uint32_t family;
    uint32_t label_begin;
    uint32_t label_count;
    double value;
  };
  std::vector<Family> families;
  size_t family_count = 0;
  std::vector<std::pair<std::string, std::string>> labels;
  size_t label_count = 0;
  std::vector<Sample> samples;

  void Clear() {
    family_count = 0;
    label_count = 0;
    samples.clear();
  }
};

// Runs on the source's thread; SeriesTable is not touched there (it is the fast thread's).
class RecordingWriter : public SampleWriter {
 public:
  explicit RecordingWriter(Recorded* r) : r_(r) {}

  void Add(const MetricDesc& desc, LabelSpan labels, double value) override {
    if (last_ < 0 || r_->families[last_].name != desc.name) {
      last_ = -1;
      for (size_t i = 0; i < r_->family_count; ++i) {
        if (r_->families[i].name == desc.name) last_ = static_cast<int>(i);
      }
      if (last_ < 0) {
        if (r_->family_count == r_->families.size()) r_->families.emplace_back();
        Recorded::Family& f = r_->families[r_->family_count];
        f.name.assign(desc.name.data(), desc.name.size());
        f.type = desc.type;
        f.help.assign(desc.help.data(), desc.help.size());
        f.is_up = absl::EndsWith(desc.name, "_up");
        last_ = static_cast<int>(r_->family_count++);
      }
    }
    Recorded::Sample s{static_cast<uint32_t>(last_), static_cast<uint32_t>(r_->label_count),
                       static_cast<uint32_t>(labels.size()), value};
    for (const LabelRef& l : labels) {
      if (r_->label_count == r_->labels.size()) r_->labels.emplace_back();
      auto& [k, v] = r_->labels[r_->label_count++];
      k.assign(l.name.data(), l.name.size());
      v.assign(l.value.data(), l.value.size());
    }
    r_->samples.push_back(s);
  }

 private:
  Recorded* r_;
  int last_ = -1;
};

absl::StatusOr<absl::Duration> DurationOption(const std::string& source,
                                              const std::map<std::string, std::string>& options,
                                              absl::string_view option, absl::string_view dflt) {
  std::string text(dflt);
  if (auto it = options.find(std::string(option)); it != options.end() && !it->second.empty()) {
    text = it->second;
  }
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("--source.", source, ".", option, ": \"", text,
                                                   "\" is not a positive duration (e.g. 30s)"));
  }
  return d;
}

}  // namespace

struct SlowTier::State {
  std::string name;
  SourcePtr source;
  absl::Duration interval;
  absl::Duration timeout;
  const common::Clock* clock;

  absl::Mutex mu;
  bool stop ABSL_GUARDED_BY(mu) = false;
  bool exited ABSL_GUARDED_BY(mu) = false;
  bool abandoned ABSL_GUARDED_BY(mu) = false;  // --once gave up waiting for it
  Recorded front ABSL_GUARDED_BY(mu);          // the latest completed collection
  bool has_result ABSL_GUARDED_BY(mu) = false;
  bool last_ok ABSL_GUARDED_BY(mu) = false;
  bool last_late ABSL_GUARDED_BY(mu) = false;
  double last_duration ABSL_GUARDED_BY(mu) = 0;
  bool in_flight ABSL_GUARDED_BY(mu) = false;
  absl::Time flight_start ABSL_GUARDED_BY(mu);
  bool timeout_counted ABSL_GUARDED_BY(mu) = false;  // for the collection in flight
  uint64_t timeouts ABSL_GUARDED_BY(mu) = 0;
  uint64_t skipped ABSL_GUARDED_BY(mu) = 0;
  uint64_t completions ABSL_GUARDED_BY(mu) = 0;
  absl::Time last_success ABSL_GUARDED_BY(mu) = absl::InfinitePast();

  Recorded back;           // only the source's thread touches it
  std::string last_error;  // only the source's thread: log state changes, not every failure
};

std::vector<SourceOption> EffectiveOptions(const SourceInfo& info) {
  std::vector<SourceOption> out = info.options;
  if (!info.slow) return out;
  auto add = [&](absl::string_view name, absl::string_view dflt, std::string help) {
    for (const SourceOption& o : out) {
      if (o.name == name) return;  // the source chose its own default
    }
    out.push_back({std::string(name), std::string(dflt), std::move(help)});
  };
  add(kSlowIntervalOption, kSlowDefaultInterval,
      "Slow tier: how often this source collects, on its own thread (e.g. 30s).");
  add(kSlowTimeoutOption, kSlowDefaultTimeout,
      "Slow tier: deadline of one collection; past it the source's series are dropped and "
      "hostmon_agent_source_success is 0.");
  return out;
}

absl::StatusOr<SlowSourceSpec> MakeSlowSourceSpec(
    const std::string& name, SourcePtr source, const std::map<std::string, std::string>& options) {
  auto interval = DurationOption(name, options, kSlowIntervalOption, kSlowDefaultInterval);
  if (!interval.ok()) return interval.status();
  auto timeout = DurationOption(name, options, kSlowTimeoutOption, kSlowDefaultTimeout);
  if (!timeout.ok()) return timeout.status();
  return SlowSourceSpec{name, std::move(source), *interval, *timeout};
}

absl::StatusOr<absl::Duration> SlowSourceTimeout(
    const std::string& name, const std::map<std::string, std::string>& options) {
  return DurationOption(name, options, kSlowTimeoutOption, kSlowDefaultTimeout);
}

SlowTier::SlowTier(std::vector<SlowSourceSpec> sources, const common::Clock* clock)
    : clock_(clock) {
  for (SlowSourceSpec& spec : sources) {
    auto s = std::make_shared<State>();
    s->name = std::move(spec.name);
    s->source = std::move(spec.source);
    s->interval = spec.interval;
    s->timeout = spec.timeout;
    s->clock = clock;
    states_.push_back(std::move(s));
  }
}

SlowTier::~SlowTier() { Stop(); }

const std::string& SlowTier::name(size_t i) const { return states_[i]->name; }

namespace {

// The body of a source's thread. It holds its own reference to the state, so a thread that is
// detached at shutdown while stuck in a device call never touches freed memory of the tier.
void RunSource(std::shared_ptr<SlowTier::State> s, bool once) {
  common::SetThreadName(absl::StrCat("hm-slow:", s->name));
  absl::Time next = s->clock->Now();
  while (true) {
    {
      absl::MutexLock lock(&s->mu);
      s->clock->AwaitWithDeadline(&s->mu, absl::Condition(&s->stop), next);
      if (s->stop) break;
      s->in_flight = true;
      s->flight_start = s->clock->Now();
      s->timeout_counted = false;
    }
    s->back.Clear();
    RecordingWriter writer(&s->back);
    absl::Time t0 = s->clock->Now();
    absl::Status status;
    try {
      status = s->source->Collect(writer);
    } catch (const std::exception& e) {  // Collect must not throw; a bug must not kill the agent
      status = absl::InternalError(absl::StrCat("source threw: ", e.what()));
    }
    absl::Time t1 = s->clock->Now();
    bool late = t1 - t0 > s->timeout;
    // Logged before the result is published: --once stops waiting at the first completion and
    // abandons the thread, which must not lose the line that says why the source failed.
    std::string err =
        status.ok() ? (late ? "finished after its timeout" : "") : std::string(status.message());
    if (err != s->last_error) {
      if (err.empty()) {
        log::Info("slow source recovered", log::Kv("source", s->name));
      } else if (absl::IsNotFound(status)) {
        log::Debug("slow source has no data on this host",
                   log::Kv("source", s->name) + log::Kv("err", err));
      } else {
        log::Warn("slow source failed", log::Kv("source", s->name) + log::Kv("err", err) +
                                            log::Kv("duration", absl::FormatDuration(t1 - t0)));
      }
      s->last_error = std::move(err);
    }
    {
      absl::MutexLock lock(&s->mu);
      std::swap(s->front, s->back);
      s->has_result = true;
      s->last_ok = status.ok();
      s->last_late = late;
      s->last_duration = absl::ToDoubleSeconds(t1 - t0);
      s->in_flight = false;
      if (late && !s->timeout_counted) ++s->timeouts;
      if (status.ok() && !late) s->last_success = t1;
      ++s->completions;
    }
    if (once) break;
    // Ticks stay on the interval grid; those that fell during an overrun are skipped, not queued.
    next += s->interval;
    absl::Time now = s->clock->Now();
    uint64_t skipped = 0;
    while (next <= now) {
      next += s->interval;
      ++skipped;
    }
    if (skipped > 0) {
      absl::MutexLock lock(&s->mu);
      s->skipped += skipped;
    }
  }
  absl::MutexLock lock(&s->mu);
  s->exited = true;
}

}  // namespace

void SlowTier::StartThreads(bool once) {
  if (started_) return;
  started_ = true;
  for (const auto& s : states_) threads_.emplace_back(RunSource, s, once);
}

void SlowTier::Start() { StartThreads(false); }

void SlowTier::RunOnce() {
  StartThreads(true);
  absl::Time start = clock_->Now();
  for (const auto& s : states_) {
    absl::MutexLock lock(&s->mu);
    auto done = [](State* st) ABSL_SHARED_LOCKS_REQUIRED(st->mu) { return st->completions > 0; };
    if (!clock_->AwaitWithDeadline(&s->mu, absl::Condition(+done, s.get()), start + s->timeout)) {
      s->abandoned = true;
      if (!s->timeout_counted) {
        s->timeout_counted = true;
        ++s->timeouts;
      }
      log::Warn("slow source did not finish within its timeout",
                log::Kv("source", s->name) + log::Kv("timeout", absl::FormatDuration(s->timeout)));
    }
  }
}

void SlowTier::Stop(absl::Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  for (const auto& s : states_) {
    absl::MutexLock lock(&s->mu);
    s->stop = true;
  }
  absl::Time deadline = absl::Now() + grace;
  for (size_t i = 0; i < threads_.size(); ++i) {
    State* s = states_[i].get();
    bool exited;
    {
      absl::MutexLock lock(&s->mu);
      exited = s->mu.AwaitWithDeadline(absl::Condition(&s->exited), deadline);
    }
    if (exited) {
      threads_[i].join();
    } else {
      // The thread keeps its own reference to the state; the process may exit under it.
      log::Warn("slow source still running at shutdown; abandoning its thread",
                log::Kv("source", s->name) + log::Kv("grace", absl::FormatDuration(grace)));
      threads_[i].detach();
    }
  }
}

void SlowTier::WriteTo(SampleWriter& out) {
  absl::Time now = clock_->Now();
  for (const auto& sp : states_) {
    State* s = sp.get();
    absl::MutexLock lock(&s->mu);
    bool overdue = s->abandoned || (s->in_flight && now - s->flight_start > s->timeout);
    if (overdue && s->in_flight && !s->timeout_counted) {
      s->timeout_counted = true;
      ++s->timeouts;
      log::Warn("slow source past its timeout; its series are dropped until it completes",
                log::Kv("source", s->name) + log::Kv("timeout", absl::FormatDuration(s->timeout)));
    }
    bool stale = overdue || s->last_late;
    if (s->has_result) {
      const Recorded& r = s->front;
      for (const Recorded::Sample& sample : r.samples) {
        const Recorded::Family& f = r.families[sample.family];
        if (stale && !f.is_up) continue;
        scratch_labels_.clear();
        for (uint32_t i = 0; i < sample.label_count; ++i) {
          const auto& [k, v] = r.labels[sample.label_begin + i];
          scratch_labels_.push_back(LabelRef{k, v});
        }
        out.Add(MetricDesc{f.name, f.type, f.help}, scratch_labels_, stale ? 0.0 : sample.value);
      }
    }
    LabelRef label{"source", s->name};
    // Before the first collection ends (and within its deadline) there is nothing to say yet;
    // reporting a failure would page on every agent start.
    if (s->has_result || overdue) {
      bool ok = s->has_result && s->last_ok && !stale;
      double duration =
          overdue && s->in_flight ? absl::ToDoubleSeconds(now - s->flight_start) : s->last_duration;
      WriteSourceOutcome(out, s->name, ok, duration);
    }
    out.Add(kInFlight, {&label, 1}, s->in_flight ? 1.0 : 0.0);
    out.Add(kTimeouts, {&label, 1}, static_cast<double>(s->timeouts));
    out.Add(kSkipped, {&label, 1}, static_cast<double>(s->skipped));
    out.Add(
        kLastSuccess, {&label, 1},
        s->last_success == absl::InfinitePast() ? 0.0 : absl::ToUnixMillis(s->last_success) / 1e3);
  }
}

}  // namespace hostmon::agent
