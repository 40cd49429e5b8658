// SPDX-License-Identifier: Apache-2.0
//
// The agent's acknowledgements wait for remote write delivery, and a full remote write queue
// pauses agent streams: agent transport, ingest service and remote write output in process, over
// loopback gRPC, with an in-process receiver.
#include <catch2/catch.hpp>
#include <thread>

#include "agent/transport/ingest_client.h"
#include "collector/ingest_service.h"
#include "collector/remote_write/output.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_rw_transport.h"
#include "grpcpp/grpcpp.h"

namespace hostmon {
namespace {

namespace rw = collector::remote_write;

struct RwCollector {
  testing::FakeClock clock;
  collector::CollectorMetrics metrics;
  collector::HostStore store{collector::HostStoreOptions{}, &clock};
  testing::FakeRwTransport* transport = nullptr;
  std::unique_ptr<rw::RemoteWriteOutput> output;
  std::unique_ptr<collector::IngestService> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  explicit RwCollector(size_t capacity) {
    rw::RemoteWriteConfig c;
    c.url = "http://127.0.0.1:1/api/v1/write";
    c.capacity = capacity;
    c.batch_send_deadline = absl::Milliseconds(5);
    auto out = rw::RemoteWriteOutput::Create(
        {c}, &metrics.registry(),
        [this](const rw::RemoteWriteConfig&) -> absl::StatusOr<std::unique_ptr<rw::Transport>> {
          transport = new testing::FakeRwTransport();
          return std::unique_ptr<rw::Transport>(transport);
        });
    REQUIRE(out.ok());
    output = std::move(*out);
    transport->SetOpen(false);  // the receiver hangs until the test opens it
    store.AddObserver(output.get());
    output->Start();
    service = std::make_unique<collector::IngestService>(&store, &metrics, output.get());
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(service.get());
    server = b.BuildAndStart();
    REQUIRE(server != nullptr);
  }
  ~RwCollector() {
    transport->SetOpen(true);
    server->Shutdown(std::chrono::system_clock::now());
    output->Stop(absl::Seconds(1));
  }
};

template <typename Cond>
bool Eventually(Cond cond) {
  for (int i = 0; i < 1000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::shared_ptr<agent::CollectedBatch> Batch(agent::SeriesTable& table, uint64_t seq) {
  static constexpr agent::MetricDesc kLoad{"node_load1", agent::kGauge, "1m load average."};
  auto b = std::make_shared<agent::CollectedBatch>();
  b->sequence = seq;
  b->timestamp_ms = 1000 * static_cast<int64_t>(seq);
  b->refs.push_back(table.InternSeries(table.InternFamily(kLoad), {}));
  b->values.push_back(static_cast<double>(seq));
  return b;
}

TEST_CASE("Acks wait for remote write delivery", "[integration][remote_write]") {
  RwCollector c(/*capacity=*/1000);
  agent::SeriesTable table;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(c.port);
  opts.host_name = "rw-itest";
  agent::IngestClient client(opts, &table, &queue);
  REQUIRE(client.Start().ok());
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    queue.Push(Batch(table, seq));
    client.Notify();
  }
  REQUIRE(Eventually([&] { return c.metrics.batches_received.Value() == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Applied (visible on /metrics) but not delivered: the agent must keep them.
  CHECK(queue.stats().queued_batches == 3);
  CHECK(queue.stats().acked_batches == 0);
  c.transport->SetOpen(true);
  REQUIRE(Eventually([&] { return queue.empty(); }));
  CHECK(queue.stats().acked_batches == 3);
  client.Stop(absl::Seconds(2));
}

TEST_CASE("A full remote write queue pauses the agent stream until it drains",
          "[integration][remote_write]") {
  RwCollector c(/*capacity=*/2);
  agent::SeriesTable table;
  agent::BatchQueue queue(100);
  agent::IngestClientOptions opts;
  opts.target = "127.0.0.1:" + std::to_string(c.port);
  opts.host_name = "rw-bp";
  agent::IngestClient client(opts, &table, &queue);
  REQUIRE(client.Start().ok());
  for (uint64_t seq = 1; seq <= 6; ++seq) {
    queue.Push(Batch(table, seq));
    client.Notify();
  }
  // One sample per batch: two batches fill the queue, then the stream stops reading.
  REQUIRE(Eventually([&] { return c.metrics.batches_received.Value() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(c.metrics.batches_received.Value() == 2);
  CHECK(queue.stats().queued_batches == 6);
  c.transport->SetOpen(true);
  REQUIRE(Eventually([&] { return queue.empty(); }));
  CHECK(c.metrics.batches_received.Value() == 6);
  CHECK(queue.stats().acked_batches == 6);
  client.Stop(absl::Seconds(2));
}

}  // namespace
}  // namespace hostmon
