// SPDX-License-Identifier: Apache-2.0
//
// hostmon-loadgen: many simulated agents against one collector, for tests/bench/fleet.py.
//
// Each simulated host behaves as hostmon-agent does on the wire (proto/hostmon/ingest/v1): its
// own gRPC channel (one TCP connection), one Ingest.Stream, a Hello, a first batch that defines
// every family and series, then one batch per interval with every series (integer refs) of which
// --changed values differ from the previous batch. Hosts start evenly spread over the interval
// (as a fleet's clocks are), so arrivals are spread, not bursts. A host whose previous write has
// not completed skips its tick (counted as "behind"): the collector's back-pressure shows as
// fewer batches, never as memory here.
//
// With --warmup, batches sent during the warm-up are not counted. It lasts --warmup and until
// every host's first two batches (definitions, then the first values, both with first-time work
// in the collector) were acknowledged; a {"event": "measuring"} line marks its end, so that the
// benchmark reads the collector's CPU over the steady state only.
//
// Prints one JSON object at the end: hosts connected, batches and samples sent and acknowledged,
// acknowledgement latency (send to ack) p50/p99/max, samples acknowledged per second, behind
// count. With --idle the hosts send their Hello and nothing else (idle-agent memory).
//
// The callback API is used so that 10,000 streams need a handful of threads, not 10,000.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/flags.h"
#include "hostmon/ingest/v1/ingest.grpc.pb.h"

namespace pb = hostmon::ingest::v1;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string target = "127.0.0.1:9710";
  int64_t hosts = 10;
  int64_t series = 520;
  int64_t families = 60;
  int64_t changed = 100;
  absl::Duration interval = absl::Seconds(15);
  absl::Duration duration = absl::Seconds(30);
  absl::Duration warmup = absl::ZeroDuration();
  absl::Duration slow_ack = absl::ZeroDuration();  // > 0: slower acknowledgements are printed
  bool idle = false;
  std::string host_prefix = "loadgen";
};

struct Stats {
  std::mutex mu;
  std::vector<double> ack_ms;  // latency of each acknowledged batch
  std::atomic<int64_t> batches_sent{0}, samples_sent{0}, batches_acked{0}, samples_acked{0};
  std::atomic<int64_t> behind{0}, connected{0}, failed{0}, rejected{0};
  // Batches sent before this (the warm-up: connecting, defining) are not counted. Set by the
  // ticker when the warm-up ends, read by the reactors: nanoseconds of Clock.
  std::atomic<int64_t> measure_from_ns{INT64_MAX};
  // Hosts done warming up, each counted once: their first two batches (the definitions, then the
  // first of values only: the collector does first-time work for a host's series on both) were
  // acknowledged or one was rejected, the Hello was written (--idle), or the stream ended.
  std::atomic<int64_t> warm{0};
  bool Counted(Clock::time_point t) const {
    return t.time_since_epoch().count() >= measure_from_ns.load(std::memory_order_relaxed);
  }
  Clock::time_point start = Clock::now();
};

// How long past --warmup the warm-up waits for every host to be warm.
constexpr std::chrono::seconds kWarmWait{120};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Host : public grpc::ClientBidiReactor<pb::AgentMessage, pb::CollectorMessage> {
 public:
  Host(const Options& o, int index, Stats* stats)
      : o_(o), index_(index), stats_(stats), rng_(static_cast<uint32_t>(index) * 2654435761u) {
    grpc::ChannelArguments args;
    // A distinct argument per host: gRPC shares a subchannel (TCP connection) between channels
    // with identical arguments, and each real agent has its own connection.
    args.SetInt("hostmon.loadgen.host", index);
    channel_ = grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args);
    stub_ = pb::Ingest::NewStub(channel_);
    values_.assign(static_cast<size_t>(o.series), 0.0);
  }

  void Start() {
    stub_->async()->Stream(&ctx_, this);
    pb::AgentMessage hello;
    pb::Hello* h = hello.mutable_hello();
    h->set_host_name(absl::StrFormat("%s-%05d", o_.host_prefix, index_));
    h->set_agent_version("loadgen");
    h->set_epoch(static_cast<uint64_t>(NowMs()) * 1000 + static_cast<uint64_t>(index_));
    h->set_collection_interval_ms(static_cast<uint32_t>(absl::ToInt64Milliseconds(o_.interval)));
    pb::Label* l = h->add_static_labels();
    l->set_name("dc");
    l->set_value(absl::StrCat("dc", index_ % 4));
    {
      std::lock_guard<std::mutex> lock(mu_);
      out_ = std::move(hello);
      writing_ = true;
    }
    StartWrite(&out_);
    StartRead(&in_);
    StartCall();
  }

  // Called by the ticker: sends the next batch unless the previous write is still in flight.
  // The first batch (the definitions) is never skipped: if the Hello is still being written, it
  // goes as soon as that write completes. Skipped, it would come an interval later, and with
  // thousands of hosts connecting at once the late ones' definitions landed in the measured
  // window, as a burst.
  void Tick() {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_ || o_.idle) return;
    if (writing_) {
      if (sequence_ == 0) {
        first_deferred_ = true;
      } else if (stats_->Counted(Clock::now())) {
        stats_->behind++;
      }
      return;
    }
    SendLocked();
  }

  void SendLocked() {
    const auto now = Clock::now();
    const bool counted = stats_->Counted(now);
    BuildBatch();
    writing_ = true;
    sent_at_.emplace_back(out_.batch().sequence(), now);
    if (counted) {
      stats_->batches_sent++;
      stats_->samples_sent += out_.batch().values_size();
    }
    StartWrite(&out_);
  }

  void Finish() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!done_) ctx_.TryCancel();
  }

  bool Wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return done_; });
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (ok && !hello_done_) {
      hello_done_ = true;
      stats_->connected++;
      if (o_.idle) WarmLocked();
    }
    if (ok && first_deferred_ && !done_) {
      first_deferred_ = false;
      SendLocked();
    }
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (in_.has_ack()) {
      const auto now = Clock::now();
      std::lock_guard<std::mutex> lock(mu_);
      for (uint64_t seq : in_.ack().sequences()) {
        while (!sent_at_.empty() && sent_at_.front().first < seq) sent_at_.pop_front();
        if (!sent_at_.empty() && sent_at_.front().first == seq) {
          const double ms =
              std::chrono::duration<double, std::milli>(now - sent_at_.front().second).count();
          const Clock::time_point sent = sent_at_.front().second;
          sent_at_.pop_front();
          if (seq == 2) WarmLocked();
          if (!stats_->Counted(sent)) continue;
          if (o_.slow_ack > absl::ZeroDuration() && ms > absl::ToDoubleMilliseconds(o_.slow_ack)) {
            std::fprintf(stderr, "slow ack: host %d batch %" PRIu64 " sent at %.3f s, %.1f ms\n",
                         index_, seq, std::chrono::duration<double>(sent - stats_->start).count(),
                         ms);
          }
          stats_->batches_acked++;
          stats_->samples_acked += o_.series;
          std::lock_guard<std::mutex> slock(stats_->mu);
          stats_->ack_ms.push_back(ms);
        }
      }
    } else if (in_.has_rejection()) {
      stats_->rejected++;
      if (in_.rejection().sequence() <= 2) {
        std::lock_guard<std::mutex> lock(mu_);
        WarmLocked();
      }
      std::fprintf(stderr, "loadgen: host %d: batch %" PRIu64 " rejected: %s\n", index_,
                   in_.rejection().sequence(), in_.rejection().reason().c_str());
    }
    StartRead(&in_);
  }

  void OnDone(const grpc::Status& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.ok() && s.error_code() != grpc::StatusCode::CANCELLED) {
      stats_->failed++;
      if (stats_->failed < 5) {
        std::fprintf(stderr, "loadgen: host %d: stream ended: %s\n", index_,
                     s.error_message().c_str());
      }
    }
    WarmLocked();
    done_ = true;
    cv_.notify_all();
  }

 private:
  void WarmLocked() {
    if (warm_) return;
    warm_ = true;
    stats_->warm++;
  }

  // The first batch defines every family and series; later ones only reference them.
  void BuildBatch() {
    out_.Clear();
    pb::Batch* b = out_.mutable_batch();
    b->set_sequence(++sequence_);
    b->set_timestamp_ms(NowMs());
    if (sequence_ == 1) {
      for (int64_t f = 0; f < o_.families; ++f) {
        pb::FamilyDef* fd = b->add_family_defs();
        fd->set_ref(static_cast<uint32_t>(f + 1));
        fd->set_name(absl::StrCat("loadgen_family_", f, f % 2 ? "_total" : ""));
        fd->set_type(f % 2 ? pb::METRIC_TYPE_COUNTER : pb::METRIC_TYPE_GAUGE);
        fd->set_help(absl::StrCat("Simulated family ", f, "."));
      }
      for (int64_t s = 0; s < o_.series; ++s) {
        pb::SeriesDef* sd = b->add_series_defs();
        sd->set_ref(static_cast<uint32_t>(s + 1));
        sd->set_family_ref(static_cast<uint32_t>(s % o_.families + 1));
        pb::Label* l = sd->add_labels();
        l->set_name("device");
        l->set_value(absl::StrCat("dev", s / o_.families));
        l = sd->add_labels();
        l->set_name("mode");
        l->set_value(absl::StrCat("m", s % 7));
      }
    }
    std::uniform_int_distribution<int64_t> pick(0, o_.series - 1);
    for (int64_t c = 0; c < o_.changed; ++c) values_[static_cast<size_t>(pick(rng_))] += 1.0;
    for (int64_t s = 0; s < o_.series; ++s) {
      b->add_series_refs(static_cast<uint32_t>(s + 1));
      b->add_values(values_[static_cast<size_t>(s)]);
    }
  }

  const Options& o_;
  const int index_;
  Stats* stats_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::Ingest::Stub> stub_;
  grpc::ClientContext ctx_;
  std::mutex mu_;
  std::condition_variable cv_;
  pb::AgentMessage out_;
  pb::CollectorMessage in_;
  bool writing_ = false, hello_done_ = false, done_ = false, first_deferred_ = false, warm_ = false;
  uint64_t sequence_ = 0;
  std::deque<std::pair<uint64_t, Clock::time_point>> sent_at_;
  std::vector<double> values_;
  std::mt19937 rng_;
};

double Percentile(std::vector<double>* v, double p) {
  if (v->empty()) return 0;
  const size_t k = std::min(v->size() - 1, static_cast<size_t>(p * static_cast<double>(v->size())));
  std::nth_element(v->begin(), v->begin() + static_cast<long>(k), v->end());
  return (*v)[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  hostmon::common::FlagSet flags("hostmon-loadgen");
  flags.String("target", &o.target, "Collector gRPC address host:port");
  flags.Int("hosts", &o.hosts, "Simulated hosts, one connection and stream each");
  flags.Int("series", &o.series, "Series per host");
  flags.Int("families", &o.families, "Metric families the series are spread over");
  flags.Int("changed", &o.changed, "Values that change from one batch to the next");
  flags.Duration("interval", &o.interval, "Collection interval of every host");
  flags.Duration("duration", &o.duration, "How long to send and measure (after the warm-up)");
  flags.Duration("warmup", &o.warmup,
                 "How long to send before measuring (connect, define, reach steady state); "
                 "prints {\"event\": \"measuring\"} when it ends");
  flags.String("host-prefix", &o.host_prefix, "Host names are <prefix>-<index>");
  flags.Bool("idle", &o.idle, "Send the Hello only (idle agents)");
  flags.Duration("slow-ack", &o.slow_ack,
                 "Print each acknowledgement slower than this to stderr, with when its batch was "
                 "sent (0: none)");
  absl::Status parsed = flags.Parse(argc, argv);
  if (parsed.ok() && (o.hosts < 1 || o.series < 1 || o.families < 1 || o.changed < 0 ||
                      o.interval <= absl::ZeroDuration() || o.duration <= absl::ZeroDuration() ||
                      o.warmup < absl::ZeroDuration() || o.warmup > absl::Hours(24) ||
                      o.duration > absl::Hours(24) || o.interval > absl::Hours(24))) {
    parsed = absl::InvalidArgumentError(
        "hosts, series, families, interval and duration must be positive, changed and warmup not "
        "negative, durations at most 24h");
  }
  if (flags.help_requested()) {
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  }
  if (!parsed.ok()) {
    std::fprintf(stderr, "hostmon-loadgen: %s\n%s", std::string(parsed.message()).c_str(),
                 flags.Usage().c_str());
    return 2;
  }
  o.families = std::min(o.families, o.series);
  Stats stats;
  const auto to_clock = [](absl::Duration d) {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(absl::ToDoubleSeconds(d)));
  };
  const auto warmup_end = Clock::now() + to_clock(o.warmup);
  if (o.warmup == absl::ZeroDuration()) stats.measure_from_ns = INT64_MIN;
  std::vector<std::unique_ptr<Host>> hosts;
  hosts.reserve(static_cast<size_t>(o.hosts));
  for (int i = 0; i < static_cast<int>(o.hosts); ++i) {
    hosts.push_back(std::make_unique<Host>(o, i, &stats));
    hosts.back()->Start();
  }
  // Host i first sends at start + i/hosts of an interval, then every interval.
  const auto start = Clock::now();
  const auto interval = to_clock(o.interval);
  auto end =
      o.warmup == absl::ZeroDuration() ? start + to_clock(o.duration) : Clock::time_point::max();
  bool measuring = o.warmup == absl::ZeroDuration();
  std::vector<Clock::time_point> due(static_cast<size_t>(o.hosts));
  for (int64_t i = 0; i < o.hosts; ++i) {
    due[static_cast<size_t>(i)] = start + interval * i / o.hosts;
  }
  size_t next = 0;
  while (Clock::now() < end) {
    auto& d = due[next];
    if (d > end) break;
    std::this_thread::sleep_until(d);
    // The warm-up ends once it has lasted --warmup and every host is warm: thousands of hosts
    // connecting at once take a while.
    const auto now = Clock::now();
    const bool all_warm = stats.warm.load() >= o.hosts;
    const bool gave_up = now >= warmup_end + kWarmWait;
    if (!measuring && now >= warmup_end && (all_warm || gave_up)) {
      if (!all_warm) {
        std::fprintf(stderr, "loadgen: only %" PRId64 " of %" PRId64 " hosts warm; measuring\n",
                     stats.warm.load(), o.hosts);
      }
      measuring = true;
      stats.measure_from_ns = now.time_since_epoch().count();
      end = now + to_clock(o.duration);
      // The benchmark starts its CPU reading of the collector here.
      std::printf("{\"event\": \"measuring\"}\n");
      std::fflush(stdout);
    }
    hosts[next]->Tick();
    d += interval;
    next = (next + 1) % due.size();
  }
  const Clock::time_point measured_from{Clock::duration{stats.measure_from_ns.load()}};
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - std::max(start, measured_from)).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // late acks
  for (auto& h : hosts) h->Finish();
  for (auto& h : hosts) h->Wait(std::chrono::seconds(5));
  std::vector<double> lat;
  {
    std::lock_guard<std::mutex> lock(stats.mu);
    lat = stats.ack_ms;
  }
  const double p50 = Percentile(&lat, 0.50), p99 = Percentile(&lat, 0.99);
  const double mx = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());
  std::printf("{\"hosts\": %" PRId64 ", \"connected\": %" PRId64 ", \"series_per_host\": %" PRId64
              ", \"interval_s\": %g, "
              "\"duration_s\": %.3f, \"batches_sent\": %" PRId64 ", \"samples_sent\": %" PRId64
              ", \"batches_acked\": %" PRId64 ", \"samples_acked\": %" PRId64
              ", \"acked_samples_per_s\": %.1f, \"ack_ms_p50\": %.3f, \"ack_ms_p99\": %.3f, "
              "\"ack_ms_max\": %.3f, \"behind\": %" PRId64 ", \"failed_streams\": %" PRId64
              ", \"rejected\": %" PRId64 "}\n",
              o.hosts, stats.connected.load(), o.series, absl::ToDoubleSeconds(o.interval), elapsed,
              stats.batches_sent.load(), stats.samples_sent.load(), stats.batches_acked.load(),
              stats.samples_acked.load(), static_cast<double>(stats.samples_acked.load()) / elapsed,
              p50, p99, mx, stats.behind.load(), stats.failed.load(), stats.rejected.load());
  return 0;
}
