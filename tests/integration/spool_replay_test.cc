// SPDX-License-Identifier: Apache-2.0
//
// Spool replay against the collector's ingest service, in process: batches spooled by a previous
// agent run (with other series refs) are replayed behind live data and land with their own
// series, original timestamps and replayed=true.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "agent/spool/spool.h"
#include "agent/transport/ingest_client.h"
#include "collector/ingest_service.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"
#include "grpcpp/grpcpp.h"

namespace hostmon {
namespace {

struct Recorder : collector::BatchObserver {
  struct Seen {
    uint64_t sequence;
    bool replayed;
    int64_t timestamp_ms;
    std::string first_series;  // family{k=v} of the first sample
    double first_value;
  };
  void OnBatch(const collector::AppliedBatch& b) override {
    Seen s{b.sequence, b.replayed, b.timestamp_ms, "", 0};
    if (!b.samples.empty()) {
      s.first_series = *b.samples[0].family;
      for (const auto& [k, v] : *b.samples[0].labels) s.first_series += "{" + k + "=" + v + "}";
      s.first_value = b.samples[0].value;
    }
    absl::MutexLock lock(&mu);
    seen.push_back(s);
  }
  std::vector<Seen> Get() {
    absl::MutexLock lock(&mu);
    return seen;
  }
  absl::Mutex mu;
  std::vector<Seen> seen;
};

struct Collector {
  testing::FakeClock clock;
  collector::CollectorMetrics metrics;
  collector::HostStore store{collector::HostStoreOptions{}, &clock};
  collector::IngestService service{&store, &metrics};
  Recorder recorder;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  Collector() {
    store.AddObserver(&recorder);
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&service);
    server = b.BuildAndStart();
    REQUIRE(server != nullptr);
  }
  ~Collector() { server->Shutdown(std::chrono::system_clock::now()); }
};

template <typename Cond>
bool Eventually(Cond cond) {
  for (int i = 0; i < 1000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

constexpr agent::MetricDesc kTemp{"node_e2e_temp", agent::kGauge, "test"};

std::shared_ptr<agent::CollectedBatch> Batch(agent::SeriesTable& table, uint64_t seq,
                                             const char* sensor, double v) {
  auto b = std::make_shared<agent::CollectedBatch>();
  b->sequence = seq;
  b->timestamp_ms = 1000 * static_cast<int64_t>(seq);
  common::LabelRef label[] = {{"sensor", sensor}};
  b->refs.push_back(table.InternSeries(table.InternFamily(kTemp), label));
  b->values.push_back(v);
  return b;
}

TEST_CASE("Spooled batches of a previous run are replayed behind live data with their own refs",
          "[spool][integration]") {
  testing::ScopedTempDir tmp;
  const std::string dir = tmp.path();
  agent::SpoolOptions so;
  so.directory = dir;
  so.fsync = agent::SpoolFsync::kNever;
  uint64_t epoch = 0;
  {
    // Run 1 (no collector): series "old" gets ref 0; five batches are spooled.
    auto spool = agent::Spool::Open(so);
    REQUIRE(spool.ok());
    epoch = (*spool)->epoch();
    agent::SeriesTable table;
    for (uint64_t seq = 1; seq <= 5; ++seq) {
      auto b = Batch(table, seq, "old", static_cast<double>(seq));
      REQUIRE((*spool)
                  ->Append(seq, b->timestamp_ms, 1, agent::EncodeSelfContainedBatch(table, *b))
                  .ok());
    }
  }
  // Run 2: ref 0 now means series "new"; the spool continues epoch and sequence.
  auto spool = agent::Spool::Open(so);
  REQUIRE(spool.ok());
  CHECK((*spool)->epoch() == epoch);
  REQUIRE((*spool)->last_sequence() == 5);
  Collector c;
  agent::SeriesTable table;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(c.port);
  opts.host_name = "replay";
  opts.epoch = (*spool)->epoch();
  opts.spool = spool->get();
  opts.replay_rate = 1000;
  agent::IngestClient client(opts, &table, &queue);
  auto live = Batch(table, 6, "new", 60);
  REQUIRE((*spool)
              ->Append(6, live->timestamp_ms, 1, agent::EncodeSelfContainedBatch(table, *live))
              .ok());
  queue.Push(live, true);
  REQUIRE(client.Start().ok());
  // The stream starts after batch 6 was spooled: it is backlog too, so push a fresh live one.
  REQUIRE(Eventually([&] { return client.stats().replayed_batches >= 1; }));
  auto live2 = Batch(table, 7, "new", 70);
  REQUIRE((*spool)
              ->Append(7, live2->timestamp_ms, 1, agent::EncodeSelfContainedBatch(table, *live2))
              .ok());
  queue.Push(live2, true);
  client.Notify();
  REQUIRE(Eventually([&] { return c.recorder.Get().size() == 7; }));
  REQUIRE(Eventually([&] { return (*spool)->stats().pending_batches == 0; }));
  std::vector<Recorder::Seen> seen = c.recorder.Get();
  for (const auto& s : seen) {
    INFO("sequence " << s.sequence);
    CHECK(s.timestamp_ms == 1000 * static_cast<int64_t>(s.sequence));
    if (s.sequence <= 5) {
      CHECK(s.replayed);
      CHECK(s.first_series == "node_e2e_temp{sensor=old}");
      CHECK(s.first_value == static_cast<double>(s.sequence));
    } else {
      CHECK(s.first_series == "node_e2e_temp{sensor=new}");
      CHECK(s.first_value == 10.0 * static_cast<double>(s.sequence));
    }
  }
  CHECK(client.stats().replayed_batches == 6);  // 1..6 were backlog when the stream started
  CHECK(c.metrics.duplicate_batches.Value() == 0);
  client.Stop(absl::Seconds(2));
}

TEST_CASE("The caching self-contained encoder equals encoding from scratch", "[spool]") {
  agent::SeriesTable table;
  agent::SelfContainedEncoder encoder(&table);
  for (int round = 0; round < 3; ++round) {
    agent::CollectedBatch b;
    b.sequence = 10 + static_cast<uint64_t>(round);
    b.timestamp_ms = -5 + round;
    // Round 1 adds a series; round 2 drops one: definitions follow exactly the refs used.
    for (const char* sensor : {"a", "b", "c"}) {
      if ((round == 0 && sensor[0] == 'c') || (round == 2 && sensor[0] == 'a')) continue;
      common::LabelRef l[] = {{"sensor", sensor}};
      b.refs.push_back(table.InternSeries(table.InternFamily(kTemp), l));
      b.values.push_back(round + 0.25);
    }
    static constexpr agent::MetricDesc kOther{"node_other", agent::kCounter, "other"};
    b.refs.push_back(table.InternSeries(table.InternFamily(kOther), {}));
    b.values.push_back(7);
    std::string cached;
    encoder.Encode(b, &cached);
    ingest::v1::Batch got, want;
    REQUIRE(got.ParseFromString(cached));
    REQUIRE(want.ParseFromString(agent::EncodeSelfContainedBatch(table, b)));
    CHECK(got.DebugString() == want.DebugString());
  }
}

TEST_CASE("Live batches go before the backlog, which is rate limited", "[spool][integration]") {
  testing::ScopedTempDir tmp;
  const std::string dir = tmp.path();
  agent::SpoolOptions so;
  so.directory = dir;
  so.fsync = agent::SpoolFsync::kNever;
  auto spool = agent::Spool::Open(so);
  REQUIRE(spool.ok());
  agent::SeriesTable table;
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    auto b = Batch(table, seq, "x", 1);
    REQUIRE(
        (*spool)->Append(seq, b->timestamp_ms, 1, agent::EncodeSelfContainedBatch(table, *b)).ok());
  }
  Collector c;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(c.port);
  opts.host_name = "ratelimit";
  opts.epoch = (*spool)->epoch();
  opts.spool = spool->get();
  opts.replay_rate = 10;  // 20 backlog batches take about 2 s
  agent::IngestClient client(opts, &table, &queue);
  REQUIRE(client.Start().ok());
  REQUIRE(Eventually([&] { return c.recorder.Get().size() >= 1; }));
  // A live batch while the backlog drains is applied long before the backlog ends.
  auto live = Batch(table, 21, "x", 2);
  REQUIRE((*spool)
              ->Append(21, live->timestamp_ms, 1, agent::EncodeSelfContainedBatch(table, *live))
              .ok());
  queue.Push(live, true);
  client.Notify();
  REQUIRE(Eventually([&] {
    for (const auto& s : c.recorder.Get()) {
      if (s.sequence == 21) return true;
    }
    return false;
  }));
  size_t replayed_before_live = c.recorder.Get().size() - 1;
  CHECK(replayed_before_live < 15);
  REQUIRE(Eventually([&] { return c.recorder.Get().size() == 21; }));
  client.Stop(absl::Seconds(2));
}

// Self-contained encoding cost per batch (what the agent spools every cycle) and end-to-end replay
// throughput: a spooled backlog replayed over loopback gRPC into the collector's store, unlimited
// rate, until every batch is acknowledged. Prints figures; asserts nothing about speed.
// Run: build/tests/hostmon_unit_tests "[.bench][spool_bench]"
TEST_CASE("Spool benchmark: encoding and end-to-end replay throughput", "[.bench][spool_bench]") {
  testing::ScopedTempDir tmp;
  const std::string dir = tmp.path();
  agent::SpoolOptions so;
  so.directory = dir;
  so.fsync = agent::SpoolFsync::kNever;
  so.max_bytes = 1ull << 30;
  auto spool = agent::Spool::Open(so);
  REQUIRE(spool.ok());
  // 1500 series in 50 families, 2 labels each: about a default-sources batch of a small host.
  agent::SeriesTable table;
  std::vector<std::string> names, values;
  for (int f = 0; f < 50; ++f) names.push_back("node_bench_family_" + std::to_string(f));
  for (int i = 0; i < 30; ++i) values.push_back("value" + std::to_string(i));
  std::vector<agent::MetricDesc> descs;
  for (const std::string& n : names) descs.push_back({n.c_str(), agent::kGauge, "bench"});
  agent::CollectedBatch batch;
  for (const auto& d : descs) {
    for (const std::string& v : values) {
      common::LabelRef l[] = {{"device", v}, {"mode", "user"}};
      batch.refs.push_back(table.InternSeries(table.InternFamily(d), l));
      batch.values.push_back(1.5);
    }
  }
  const int kBatches = 2000;
  auto t0 = std::chrono::steady_clock::now();
  std::string payload;
  for (int i = 0; i < 200; ++i) payload = agent::EncodeSelfContainedBatch(table, batch);
  double enc_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
      200;
  std::printf("self-contained encode, from scratch: %.0f us/batch, %zu bytes for %zu samples\n",
              enc_us, payload.size(), batch.values.size());
  agent::SelfContainedEncoder encoder(&table);
  encoder.Encode(batch, &payload);  // builds the cache
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) encoder.Encode(batch, &payload);
  enc_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
      1000;
  std::printf("self-contained encode, cached definitions (the agent's path): %.0f us/batch\n",
              enc_us);
  for (int i = 1; i <= kBatches; ++i) {
    batch.sequence = static_cast<uint64_t>(i);
    batch.timestamp_ms = i;
    REQUIRE((*spool)
                ->Append(batch.sequence, batch.timestamp_ms,
                         static_cast<uint32_t>(batch.values.size()),
                         agent::EncodeSelfContainedBatch(table, batch))
                .ok());
  }
  Collector c;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(c.port);
  opts.host_name = "bench";
  opts.epoch = (*spool)->epoch();
  opts.spool = spool->get();
  opts.replay_rate = 1e9;
  agent::IngestClient client(opts, &table, &queue);
  t0 = std::chrono::steady_clock::now();
  REQUIRE(client.Start().ok());
  for (int i = 0; i < 60000 && (*spool)->stats().pending_batches > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK((*spool)->stats().pending_batches == 0);
  std::printf("end-to-end replay: %d batches in %.2f s = %.0f batches/s, %.3g samples/s\n",
              kBatches, secs, kBatches / secs, kBatches * batch.values.size() / secs);
  client.Stop(absl::Seconds(2));
}

}  // namespace
}  // namespace hostmon
