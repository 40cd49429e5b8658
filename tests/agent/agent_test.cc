// SPDX-License-Identifier: Apache-2.0
//
// The long-running agent's loop on a fake clock: batches on the interval grid, ticks skipped after
// an overrun, a programmatic stop, and the self metrics its parts add to every batch.
#include "agent/agent.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "fakes/wait_for.h"

namespace hostmon::agent {
namespace {

using ::hostmon::testing::FakeClock;
using ::hostmon::testing::WaitFor;

// A fast source that counts its collections; the collection numbered `overrun_on` (1-based)
// advances the fake clock by `overrun`, as a collection that takes that long would.
class TickSource : public Source {
 public:
  TickSource(FakeClock* clock, std::shared_ptr<std::atomic<int>> calls, int overrun_on = 0,
             absl::Duration overrun = absl::ZeroDuration())
      : clock_(clock), calls_(std::move(calls)), overrun_on_(overrun_on), overrun_(overrun) {}
  absl::Status Collect(SampleWriter& out) override {
    static constexpr MetricDesc kTicks{"test_ticks", kGauge, "Collections so far."};
    int n = ++*calls_;
    if (n == overrun_on_) clock_->Advance(overrun_);
    out.Add(kTicks, {}, n);
    return absl::OkStatus();
  }

 private:
  FakeClock* clock_;
  std::shared_ptr<std::atomic<int>> calls_;
  int overrun_on_;
  absl::Duration overrun_;
};

// Runs an agent's loop on its own thread; stops and joins it on the way out, also when a check
// failed.
class Running {
 public:
  explicit Running(Agent* agent)
      : agent_(agent), thread_([this] {
          agent_->Run();
          done_ = true;
        }) {}
  ~Running() {
    agent_->RequestStop();
    thread_.join();
  }
  bool done() const { return done_; }

 private:
  Agent* agent_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

AgentConfig TestConfig() {
  AgentConfig c;
  c.hostname = "test-host";
  c.interval = absl::Seconds(10);
  return c;
}

std::unique_ptr<Agent> MakeAgent(const AgentConfig& config, FakeClock* clock,
                                 std::shared_ptr<std::atomic<int>> calls, int overrun_on = 0,
                                 absl::Duration overrun = absl::ZeroDuration()) {
  AgentSources sources;
  sources.fast.push_back(
      {"ticks", std::make_unique<TickSource>(clock, std::move(calls), overrun_on, overrun)});
  auto agent = Agent::Create(config, std::move(sources), clock);
  REQUIRE(agent.ok());
  return std::move(*agent);
}

size_t Queued(Agent& agent) { return agent.queue().stats().queued_batches; }

// Collection times of the queued batches, oldest first, relative to `start`.
std::vector<absl::Duration> BatchTimes(Agent& agent, absl::Time start) {
  std::vector<absl::Duration> out;
  while (auto b = agent.queue().NextUnsent()) {
    out.push_back(absl::FromUnixMillis(b->timestamp_ms) - start);
  }
  return out;
}

TEST_CASE("Agent collects at once, then on every tick of the interval grid", "[agent][loop]") {
  FakeClock clock;
  const absl::Time start = clock.Now();
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto agent = MakeAgent(TestConfig(), &clock, calls);
  {
    Running running(agent.get());
    REQUIRE(WaitFor([&] { return Queued(*agent) == 1; }));
    clock.Advance(absl::Seconds(10));
    REQUIRE(WaitFor([&] { return Queued(*agent) == 2; }));
    clock.Advance(absl::Seconds(10));
    REQUIRE(WaitFor([&] { return Queued(*agent) == 3; }));
  }
  CHECK(*calls == 3);
  CHECK(BatchTimes(*agent, start) ==
        std::vector<absl::Duration>{absl::ZeroDuration(), absl::Seconds(10), absl::Seconds(20)});
}

TEST_CASE("Agent skips the ticks an overrunning collection missed", "[agent][loop]") {
  FakeClock clock;
  const absl::Time start = clock.Now();
  auto calls = std::make_shared<std::atomic<int>>(0);
  // The second collection (at 10 s) takes 25 s: the ticks at 20 s and 30 s fall inside it.
  auto agent = MakeAgent(TestConfig(), &clock, calls, 2, absl::Seconds(25));
  {
    Running running(agent.get());
    REQUIRE(WaitFor([&] { return Queued(*agent) == 1; }));
    clock.Advance(absl::Seconds(10));
    REQUIRE(WaitFor([&] { return Queued(*agent) == 2; }));
    // Now 35 s: the next collection is at the next tick on the grid, 40 s, not at once (made-up
    // ticks would stamp it 35 s).
    clock.Advance(absl::Seconds(5));
    REQUIRE(WaitFor([&] { return Queued(*agent) == 3; }));
  }
  CHECK(*calls == 3);
  CHECK(BatchTimes(*agent, start) ==
        std::vector<absl::Duration>{absl::ZeroDuration(), absl::Seconds(10), absl::Seconds(40)});
}

TEST_CASE("A stop request ends the agent's loop while it waits for the next tick",
          "[agent][loop]") {
  FakeClock clock;
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto agent = MakeAgent(TestConfig(), &clock, calls);
  Running running(agent.get());
  REQUIRE(WaitFor([&] { return Queued(*agent) == 1; }));
  agent->RequestStop();
  // The fake clock never reaches the next tick: only the request can end the loop.
  REQUIRE(WaitFor([&] { return running.done(); }));
  CHECK(*calls == 1);
  CHECK(Queued(*agent) == 1);  // no client connected: the batch stays unacknowledged
}

// The self metrics of the agent's parts in its first batch, as the collector receives them in
// every batch: names, types, help and values must not change (dashboards and alert rules query
// them).
std::string FirstBatchSelfMetrics(const AgentConfig& config) {
  FakeClock clock;
  auto agent = MakeAgent(config, &clock, std::make_shared<std::atomic<int>>(0));
  {
    Running running(agent.get());
    REQUIRE(WaitFor([&] { return Queued(*agent) == 1; }));
  }
  auto batch = agent->queue().NextUnsent();
  REQUIRE(batch != nullptr);
  std::string text = FormatExposition(agent->table(), *batch);
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos + 1);
    pos = end + 1;
    if (line.find("test_ticks") != std::string::npos) continue;
    if (line.find("source_") != std::string::npos) continue;  // WriteSourceOutcome's, tested there
    if (line.find("node_scrape_collector") != std::string::npos) continue;
    // The build's label values depend on the checkout (common/build_info_test.cc checks them).
    if (line.rfind("hostmon_agent_build_info{", 0) == 0) {
      CHECK(line.find(std::string("version=\"") + HOSTMON_VERSION + "\"") != std::string::npos);
      line = "hostmon_agent_build_info{<build>} 1\n";
    }
    // Durations measured in real time.
    if (line[0] != '#' && line.find("_seconds_total ") != std::string::npos) {
      line = line.substr(0, line.find(' ')) + " <seconds>\n";
    }
    out += line;
  }
  return out;
}

TEST_CASE("Agent batches carry the queue's and the client's self metrics", "[agent][loop]") {
  CHECK(
      FirstBatchSelfMetrics(TestConfig()) ==
      R"(# HELP hostmon_agent_build_info Build information of the agent (labels version, revision, branch, compiler); value 1.
# TYPE hostmon_agent_build_info gauge
hostmon_agent_build_info{<build>} 1
# HELP hostmon_agent_collector_connected 1 while a stream to the collector is established.
# TYPE hostmon_agent_collector_connected gauge
hostmon_agent_collector_connected 0
# HELP hostmon_agent_dropped_batches_total Batches dropped because the send queue was full (oldest first).
# TYPE hostmon_agent_dropped_batches_total counter
hostmon_agent_dropped_batches_total 0
# HELP hostmon_agent_dropped_samples_total Samples in batches dropped from the send queue.
# TYPE hostmon_agent_dropped_samples_total counter
hostmon_agent_dropped_samples_total 0
# HELP hostmon_agent_duplicate_samples_total Samples dropped because another source already wrote the same series (e.g. a textfile repeating a built-in metric).
# TYPE hostmon_agent_duplicate_samples_total counter
hostmon_agent_duplicate_samples_total 0
# HELP hostmon_agent_invalid_series_samples_total Samples dropped because their series' labels would be rejected by the collector (a name it sets itself such as job or instance, an invalid name, a duplicate name, a value that is not UTF-8; e.g. from a textfile).
# TYPE hostmon_agent_invalid_series_samples_total counter
hostmon_agent_invalid_series_samples_total 0
# HELP hostmon_agent_queue_batches Batches waiting for the collector's acknowledgement.
# TYPE hostmon_agent_queue_batches gauge
hostmon_agent_queue_batches 0
# HELP hostmon_agent_stream_failures_total Collector streams that failed or ended unexpectedly.
# TYPE hostmon_agent_stream_failures_total counter
hostmon_agent_stream_failures_total 0
)");
}

TEST_CASE("With a spool and a failover list, batches also carry spool and failover metrics",
          "[agent][loop][spool]") {
  testing::ScopedTempDir dir;
  AgentConfig config = TestConfig();
  config.spool.directory = dir.File("spool");
  config.collector_addresses = {"127.0.0.1:1", "127.0.0.1:2"};
  CHECK(
      FirstBatchSelfMetrics(config) ==
      R"(# HELP hostmon_agent_build_info Build information of the agent (labels version, revision, branch, compiler); value 1.
# TYPE hostmon_agent_build_info gauge
hostmon_agent_build_info{<build>} 1
# HELP hostmon_agent_collector_connected 1 while a stream to the collector is established.
# TYPE hostmon_agent_collector_connected gauge
hostmon_agent_collector_connected 0
# HELP hostmon_agent_collector_failovers_total Switches to the next collector address after a failed stream.
# TYPE hostmon_agent_collector_failovers_total counter
hostmon_agent_collector_failovers_total 0
# HELP hostmon_agent_dropped_batches_total Batches dropped because the send queue was full (oldest first).
# TYPE hostmon_agent_dropped_batches_total counter
hostmon_agent_dropped_batches_total 0
# HELP hostmon_agent_dropped_samples_total Samples in batches dropped from the send queue.
# TYPE hostmon_agent_dropped_samples_total counter
hostmon_agent_dropped_samples_total 0
# HELP hostmon_agent_duplicate_samples_total Samples dropped because another source already wrote the same series (e.g. a textfile repeating a built-in metric).
# TYPE hostmon_agent_duplicate_samples_total counter
hostmon_agent_duplicate_samples_total 0
# HELP hostmon_agent_invalid_series_samples_total Samples dropped because their series' labels would be rejected by the collector (a name it sets itself such as job or instance, an invalid name, a duplicate name, a value that is not UTF-8; e.g. from a textfile).
# TYPE hostmon_agent_invalid_series_samples_total counter
hostmon_agent_invalid_series_samples_total 0
# HELP hostmon_agent_queue_batches Batches waiting for the collector's acknowledgement.
# TYPE hostmon_agent_queue_batches gauge
hostmon_agent_queue_batches 0
# HELP hostmon_agent_spool_bytes Bytes of the on-disk spool's segment files.
# TYPE hostmon_agent_spool_bytes gauge
hostmon_agent_spool_bytes 0
# HELP hostmon_agent_spool_corrupt_records_total Damaged spool records (torn tail, flipped bytes) skipped; a damaged region counts once.
# TYPE hostmon_agent_spool_corrupt_records_total counter
hostmon_agent_spool_corrupt_records_total 0
# HELP hostmon_agent_spool_dropped_batches_total Unacknowledged batches dropped from the spool by its size or age cap (oldest first).
# TYPE hostmon_agent_spool_dropped_batches_total counter
hostmon_agent_spool_dropped_batches_total 0
# HELP hostmon_agent_spool_dropped_samples_total Samples in batches dropped from the spool by its size or age cap.
# TYPE hostmon_agent_spool_dropped_samples_total counter
hostmon_agent_spool_dropped_samples_total 0
# HELP hostmon_agent_spool_fsync_seconds_total Time spent in fdatasync of the spool.
# TYPE hostmon_agent_spool_fsync_seconds_total counter
hostmon_agent_spool_fsync_seconds_total <seconds>
# HELP hostmon_agent_spool_fsyncs_total fdatasync calls on spool segments.
# TYPE hostmon_agent_spool_fsyncs_total counter
hostmon_agent_spool_fsyncs_total 0
# HELP hostmon_agent_spool_oldest_pending_timestamp_seconds Collection time of the oldest unacknowledged spooled batch (0 when none).
# TYPE hostmon_agent_spool_oldest_pending_timestamp_seconds gauge
hostmon_agent_spool_oldest_pending_timestamp_seconds 0
# HELP hostmon_agent_spool_pending_batches Spooled batches not yet acknowledged by a collector (live in flight and backlog).
# TYPE hostmon_agent_spool_pending_batches gauge
hostmon_agent_spool_pending_batches 0
# HELP hostmon_agent_spool_pending_samples Samples in spooled, unacknowledged batches.
# TYPE hostmon_agent_spool_pending_samples gauge
hostmon_agent_spool_pending_samples 0
# HELP hostmon_agent_spool_replayed_batches_total Backlog batches re-sent from the spool (replayed=true) after a reconnect or restart.
# TYPE hostmon_agent_spool_replayed_batches_total counter
hostmon_agent_spool_replayed_batches_total 0
# HELP hostmon_agent_spool_replayed_samples_total Samples in backlog batches re-sent from the spool.
# TYPE hostmon_agent_spool_replayed_samples_total counter
hostmon_agent_spool_replayed_samples_total 0
# HELP hostmon_agent_spool_segments Segment files in the spool.
# TYPE hostmon_agent_spool_segments gauge
hostmon_agent_spool_segments 1
# HELP hostmon_agent_spool_state_write_errors_total Failed rewrites of the spool's state file (ack watermark); no batch is lost by them.
# TYPE hostmon_agent_spool_state_write_errors_total counter
hostmon_agent_spool_state_write_errors_total 0
# HELP hostmon_agent_spool_write_errors_total Batches that could not be spooled (e.g. disk full); they were sent from memory only.
# TYPE hostmon_agent_spool_write_errors_total counter
hostmon_agent_spool_write_errors_total 0
# HELP hostmon_agent_spool_write_seconds_total Time spent writing spool records, including fsync.
# TYPE hostmon_agent_spool_write_seconds_total counter
hostmon_agent_spool_write_seconds_total <seconds>
# HELP hostmon_agent_stream_failures_total Collector streams that failed or ended unexpectedly.
# TYPE hostmon_agent_stream_failures_total counter
hostmon_agent_stream_failures_total 0
)");
}

}  // namespace
}  // namespace hostmon::agent
