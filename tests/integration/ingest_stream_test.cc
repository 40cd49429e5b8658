// SPDX-License-Identifier: Apache-2.0
//
// Agent transport against the collector's ingest service, in process, over loopback gRPC.
#include <sys/resource.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "agent/transport/ingest_client.h"
#include "collector/ingest_service.h"
#include "fakes/fake_clock.h"
#include "fakes/raw_ingest_client.h"
#include "grpcpp/grpcpp.h"

namespace hostmon {
namespace {

namespace pb = ::hostmon::ingest::v1;

struct Collector {
  testing::FakeClock clock;
  collector::CollectorMetrics metrics;
  collector::HostStore store{collector::HostStoreOptions{}, &clock};
  collector::IngestService service{&store, &metrics};
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  Collector() {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&service);
    server = b.BuildAndStart();
    REQUIRE(server != nullptr);
    REQUIRE(port != 0);
  }
  ~Collector() { server->Shutdown(std::chrono::system_clock::now()); }

  std::string Export() {
    std::string out;
    store.WriteExposition(&out);
    return out;
  }
};

// Polls `cond` for up to 10 s.
template <typename Cond>
bool Eventually(Cond cond) {
  for (int i = 0; i < 1000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::shared_ptr<agent::CollectedBatch> Batch(agent::SeriesTable& table, uint64_t seq, double v) {
  static constexpr agent::MetricDesc kLoad{"node_load1", agent::kGauge, "1m load average."};
  auto b = std::make_shared<agent::CollectedBatch>();
  b->sequence = seq;
  b->timestamp_ms = 1000 * static_cast<int64_t>(seq);
  b->refs.push_back(table.InternSeries(table.InternFamily(kLoad), {}));
  b->values.push_back(v);
  return b;
}

TEST_CASE("Agent batches reach the collector and are acknowledged", "[integration][ingest]") {
  Collector c;
  agent::SeriesTable table;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(c.port);
  opts.host_name = "itest";
  opts.static_labels = {{"dc", "lab"}};
  opts.epoch = 7;
  agent::IngestClient client(opts, &table, &queue);
  REQUIRE(client.Start().ok());
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    queue.Push(Batch(table, seq, static_cast<double>(seq)));
    client.Notify();
  }
  REQUIRE(Eventually([&] { return queue.empty(); }));
  CHECK(queue.stats().acked_batches == 5);
  CHECK(c.metrics.batches_received.Value() == 5);
  CHECK_THAT(c.Export(),
             Catch::Contains("node_load1{dc=\"lab\",instance=\"itest\",job=\"node\"} 5"));
  CHECK(client.stats().connected);
  client.Stop(absl::Seconds(2));
  // A deliberate stop says goodbye: the collector counts a clean disconnect, not a lost stream.
  REQUIRE(Eventually([&] { return c.metrics.clean_disconnects.Value() == 1; }));
  CHECK(c.metrics.lost_streams.Value() == 0);
}

TEST_CASE("Batches queued while the collector is down are delivered later",
          "[integration][ingest]") {
  // Reserve a port, then leave it closed while the agent queues.
  int port;
  {
    Collector probe;
    port = probe.port;
  }
  agent::SeriesTable table;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(port);
  opts.host_name = "late";
  opts.initial_backoff = absl::Milliseconds(50);
  opts.max_backoff = absl::Milliseconds(200);
  agent::IngestClient client(opts, &table, &queue);
  REQUIRE(client.Start().ok());
  for (uint64_t seq = 1; seq <= 3; ++seq) queue.Push(Batch(table, seq, 1.0));
  client.Notify();
  REQUIRE(Eventually([&] { return client.stats().stream_failures >= 2; }));
  CHECK(queue.stats().queued_batches == 3);

  testing::FakeClock clock;
  collector::CollectorMetrics metrics;
  collector::HostStore store(collector::HostStoreOptions{}, &clock);
  collector::IngestService service(&store, &metrics);
  grpc::ServerBuilder b;
  int bound = 0;
  b.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                     &bound);
  b.RegisterService(&service);
  auto server = b.BuildAndStart();
  REQUIRE(bound == port);
  REQUIRE(Eventually([&] { return queue.empty(); }));
  CHECK(metrics.batches_received.Value() == 3);
  client.Stop(absl::Seconds(1));
  server->Shutdown(std::chrono::system_clock::now());
}

// A collector that reads everything and never answers: no acknowledgement, and after the
// agent's goodbye it keeps the stream open until the agent cancels it.
class SilentIngest final : public pb::Ingest::Service {
 public:
  grpc::Status Stream(
      grpc::ServerContext* ctx,
      grpc::ServerReaderWriter<pb::CollectorMessage, pb::AgentMessage>* stream) override {
    pb::AgentMessage msg;
    while (stream->Read(&msg)) ++messages;
    while (!ctx->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return grpc::Status::OK;
  }
  std::atomic<int> messages{0};
};

double ProcessCpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

TEST_CASE("A stop waits out a silent collector's grace period without spinning",
          "[integration][ingest]") {
  SilentIngest service;
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  b.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  REQUIRE(server != nullptr);

  agent::SeriesTable table;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(port);
  opts.host_name = "silent";
  agent::IngestClient client(opts, &table, &queue);
  REQUIRE(client.Start().ok());
  queue.Push(Batch(table, 1, 1.0));
  client.Notify();
  REQUIRE(Eventually([&] { return service.messages.load() == 2; }));  // the Hello and the batch
  const double cpu0 = ProcessCpuSeconds();
  const absl::Time t0 = absl::Now();
  client.Stop(absl::Seconds(1));  // goodbye sent; no acknowledgement comes; cancelled at 1 s
  const absl::Duration took = absl::Now() - t0;
  const double cpu = ProcessCpuSeconds() - cpu0;
  CHECK(took >= absl::Milliseconds(900));
  CHECK(took < absl::Seconds(4));
  // Waiting is not working: a drain that polls its condition would burn a core for the second.
  CHECK(cpu < 0.3);
  CHECK(queue.stats().queued_batches == 1);  // never acknowledged: still the agent's
  server->Shutdown(std::chrono::system_clock::now());
}

using testing::RawExchange;

TEST_CASE("Protocol violations end the stream with INVALID_ARGUMENT", "[integration][ingest]") {
  Collector c;
  std::vector<pb::CollectorMessage> replies;
  SECTION("batch before hello") {
    pb::AgentMessage m;
    m.mutable_batch()->set_sequence(1);
    grpc::Status s = RawExchange(c.port, {m}, &replies);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(s.error_message(), Catch::Contains("first message must be a hello"));
    CHECK(c.metrics.RejectedMessages("protocol").Value() == 1);
  }
  SECTION("invalid hello") {
    pb::AgentMessage m;
    m.mutable_hello()->set_host_name("");
    m.mutable_hello()->set_epoch(1);
    grpc::Status s = RawExchange(c.port, {m}, &replies);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(s.error_message(), Catch::Contains("hello.host_name"));
    CHECK(c.metrics.RejectedMessages("invalid_hello").Value() == 1);
  }
  SECTION("empty message") {
    grpc::Status s = RawExchange(c.port, {pb::AgentMessage()}, &replies);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  SECTION("a malformed batch is rejected but the stream goes on") {
    pb::AgentMessage hello;
    hello.mutable_hello()->set_host_name("peer");
    hello.mutable_hello()->set_epoch(1);
    pb::AgentMessage bad;
    bad.mutable_batch()->set_sequence(1);
    bad.mutable_batch()->add_series_refs(99);
    bad.mutable_batch()->add_values(1);
    pb::AgentMessage bye;
    bye.mutable_goodbye();
    grpc::Status s = RawExchange(c.port, {hello, bad, bye}, &replies);
    CHECK(s.ok());
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].rejection().sequence() == 1);
    CHECK_THAT(replies[0].rejection().reason(), Catch::Contains("unknown series ref 99"));
    CHECK(c.metrics.RejectedMessages("invalid_batch").Value() == 1);
  }
  // The server detaches in OnDone, which may run just after the client sees the status.
  CHECK(Eventually([&] { return c.store.connected_streams() == 0; }));
}

}  // namespace
}  // namespace hostmon
