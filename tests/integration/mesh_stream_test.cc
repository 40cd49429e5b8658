// SPDX-License-Identifier: Apache-2.0
//
// The latency mesh over the real ingest stream: plans reach the agents that announce a
// responder, an agent ignores a collector message kind it does not know, and the agent's prober
// measures its peers' responders (a dead one costs one deadline).
#include <catch2/catch.hpp>
#include <functional>
#include <optional>

#include "agent/mesh/mesh_agent.h"
#include "agent/transport/ingest_client.h"
#include "collector/ingest_service.h"
#include "collector/mesh/mesh_coordinator.h"
#include "fakes/fake_clock.h"
#include "fakes/sample_recorder.h"
#include "fakes/wait_for.h"
#include "grpcpp/grpcpp.h"

namespace hostmon {
namespace {

namespace pb = ::hostmon::ingest::v1;

bool Eventually(const std::function<bool()>& pred) {
  return testing::WaitFor(pred, absl::Seconds(10));
}

std::shared_ptr<agent::CollectedBatch> Batch(agent::SeriesTable& table, uint64_t seq) {
  static constexpr agent::MetricDesc kLoad{"node_load1", agent::kGauge, "1m load average."};
  auto b = std::make_shared<agent::CollectedBatch>();
  b->sequence = seq;
  b->timestamp_ms = 1000 * static_cast<int64_t>(seq);
  b->refs.push_back(table.InternSeries(table.InternFamily(kLoad), {}));
  b->values.push_back(1);
  return b;
}

class NullObserver : public collector::BatchObserver {
 public:
  void OnBatch(const collector::AppliedBatch&) override {}
};

// Collects the plans an agent receives.
struct PlanLog {
  absl::Mutex mu;
  std::vector<agent::MeshPlan> plans;
  std::function<void(agent::MeshPlan)> Sink() {
    return [this](agent::MeshPlan p) {
      absl::MutexLock lock(&mu);
      plans.push_back(std::move(p));
    };
  }
  std::optional<agent::MeshPlan> Last() {
    absl::MutexLock lock(&mu);
    if (plans.empty()) return std::nullopt;
    return plans.back();
  }
};

TEST_CASE("Mesh plans reach the agents that announce a responder", "[integration][mesh]") {
  testing::FakeClock clock;
  collector::CollectorMetrics metrics;
  collector::HostStore store{collector::HostStoreOptions{}, &clock};
  NullObserver rules;
  collector::MeshConfig mc;
  mc.enabled = true;
  collector::MeshCoordinator mesh(mc, &rules);
  store.AddObserver(&mesh);
  collector::IngestService service{&store, &metrics, nullptr, &mesh};
  grpc::ServerBuilder sb;
  int port = 0;
  sb.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  sb.RegisterService(&service);
  auto server = sb.BuildAndStart();
  REQUIRE(port != 0);

  struct Agent {
    agent::SeriesTable table;
    agent::BatchQueue queue{10};
    PlanLog log;
    std::unique_ptr<agent::IngestClient> client;
  };
  auto start = [&](Agent* a, const std::string& name, const std::string& dc,
                   const std::string& mesh_address) {
    agent::IngestClientOptions o;
    o.target = "127.0.0.1:" + std::to_string(port);
    o.host_name = name;
    o.static_labels = {{"dc", dc}};
    o.mesh_address = mesh_address;
    o.on_mesh_plan = a->log.Sink();
    a->client = std::make_unique<agent::IngestClient>(o, &a->table, &a->queue);
    REQUIRE(a->client->Start().ok());
    a->queue.Push(Batch(a->table, 1));
    a->client->Notify();
  };
  Agent a, b, c, plain;
  start(&a, "a", "fra1", "127.0.0.2:9000");
  start(&b, "b", "fra1", "127.0.0.3:9000");
  REQUIRE(Eventually([&] {
    auto p = a.log.Last();
    return p && p->peers.size() == 1;
  }));
  CHECK(a.log.Last()->peers[0].name == "b");
  CHECK(a.log.Last()->peers[0].address == "127.0.0.3:9000");
  CHECK(a.log.Last()->peers[0].klass == "intra_dc");
  start(&c, "c", "sfo1", "127.0.0.4:9000");
  REQUIRE(Eventually([&] {
    auto p = a.log.Last();
    return p && p->peers.size() == 2;
  }));
  CHECK(a.log.Last()->peers[1].name == "c");
  CHECK(a.log.Last()->peers[1].klass == "regional");
  const uint64_t version = a.log.Last()->version;
  // An agent without a responder is no member: nobody probes it, it gets no plan.
  start(&plain, "plain", "fra1", "");
  REQUIRE(Eventually([&] { return plain.queue.empty(); }));
  CHECK_FALSE(plain.log.Last().has_value());
  CHECK(a.log.Last()->version == version);
  // A member that leaves is dropped from the others' plans.
  c.client->Stop(absl::Seconds(2));
  REQUIRE(Eventually([&] { return a.log.Last()->peers.size() == 1; }));
  CHECK(a.log.Last()->version > version);
  for (Agent* x : {&a, &b, &plain}) x->client->Stop(absl::Seconds(2));
  server->Shutdown(std::chrono::system_clock::now());
}

// A collector of a newer protocol: before acknowledging, it sends a message kind this agent does
// not know (an unknown oneof field) and a mesh plan to an agent that runs no prober.
class NewerCollector final : public pb::Ingest::Service {
 public:
  grpc::Status Stream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<pb::CollectorMessage, pb::AgentMessage>* s) override {
    pb::AgentMessage in;
    while (s->Read(&in)) {
      if (!in.has_batch()) continue;
      pb::CollectorMessage unknown;
      // Field 99, length-delimited: a kind added after this agent was built.
      unknown.GetReflection()->MutableUnknownFields(&unknown)->AddLengthDelimited(99, "future");
      if (!s->Write(unknown)) break;
      pb::CollectorMessage plan;
      plan.mutable_mesh_plan()->set_version(1);
      plan.mutable_mesh_plan()->add_peers()->set_host_name("x");
      if (!s->Write(plan)) break;
      pb::CollectorMessage ack;
      ack.mutable_ack()->add_sequences(in.batch().sequence());
      if (!s->Write(ack)) break;
    }
    return grpc::Status::OK;
  }
};

TEST_CASE("An agent ignores collector message kinds it does not know", "[integration][mesh]") {
  NewerCollector service;
  grpc::ServerBuilder sb;
  int port = 0;
  sb.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  sb.RegisterService(&service);
  auto server = sb.BuildAndStart();
  REQUIRE(port != 0);
  agent::SeriesTable table;
  agent::BatchQueue queue(10);
  agent::IngestClientOptions o;
  o.target = "127.0.0.1:" + std::to_string(port);
  o.host_name = "old";
  agent::IngestClient client(o, &table, &queue);  // no mesh: plans are not for it
  REQUIRE(client.Start().ok());
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    queue.Push(Batch(table, seq));
    client.Notify();
  }
  REQUIRE(Eventually([&] { return queue.empty(); }));
  CHECK(queue.stats().acked_batches == 3);
  CHECK(client.stats().connected);
  CHECK(client.stats().stream_failures == 0);
  client.Stop(absl::ZeroDuration());
  server->Shutdown(std::chrono::system_clock::now());
}

TEST_CASE("The mesh prober measures responders, and a dead peer costs one deadline",
          "[integration][mesh]") {
  agent::MeshOptions o;
  o.listen_address = "127.0.0.1:0";
  o.timeout = absl::Milliseconds(300);
  auto responder = agent::MeshAgent::Create(o);
  REQUIRE(responder.ok());
  (*responder)->Start();
  // A port that listens but whose owner never accepts nor closes: the probe waits for the
  // deadline. (A black-holed address would behave the same, without a route to fake.)
  agent::MeshOptions silent_o;
  silent_o.listen_address = "127.0.0.1:0";
  auto silent = agent::MeshAgent::Create(silent_o);  // never started: nobody accepts
  REQUIRE(silent.ok());
  auto prober = agent::MeshAgent::Create(o);
  REQUIRE(prober.ok());
  CHECK((*prober)->announce_address().rfind("127.0.0.1:", 0) == 0);
  agent::MeshPlan plan;
  plan.version = 3;
  plan.peers = {{"good", (*responder)->announce_address(), "intra_dc"},
                {"silent", (*silent)->announce_address(), "intra_dc"},
                {"refused", "127.0.0.1:1", "regional"}};
  (*prober)->SetPlan(plan);
  const absl::Time t0 = absl::Now();
  (*prober)->ProbeRound();
  const absl::Duration took = absl::Now() - t0;
  CHECK(took < absl::Milliseconds(1000));  // concurrent: one deadline, not the sum
  testing::SampleRecorder s;
  (*prober)->WriteTo(s);
  CHECK(s.Get("hostmon_mesh_plan_version") == 3);
  CHECK(s.Get("hostmon_mesh_peers") == 3);
  CHECK(s.Get("hostmon_mesh_probes_total{class=\"intra_dc\",peer=\"good\"}") == 1);
  CHECK(s.Get("hostmon_mesh_probe_failures_total{class=\"intra_dc\",peer=\"good\"}") == 0);
  CHECK(s.Get("hostmon_mesh_rtt_seconds_count{class=\"intra_dc\",peer=\"good\"}") == 1);
  CHECK(s.Get("hostmon_mesh_rtt_seconds_bucket{class=\"intra_dc\",le=\"1\",peer=\"good\"}") == 1);
  CHECK(s.Get("hostmon_mesh_rtt_seconds_bucket{class=\"intra_dc\",le=\"+Inf\",peer=\"good\"}") ==
        1);
  CHECK(s.Get("hostmon_mesh_probe_failures_total{class=\"intra_dc\",peer=\"silent\"}") == 1);
  CHECK(s.Get("hostmon_mesh_probe_failures_total{class=\"regional\",peer=\"refused\"}") == 1);
  CHECK(s.Get("hostmon_mesh_rtt_seconds_count{class=\"regional\",peer=\"refused\"}") == 0);
  testing::SampleRecorder r;
  (*responder)->WriteTo(r);
  CHECK(r.Get("hostmon_mesh_responder_accepts_total") == 1);
  // A new plan without a peer drops its series.
  plan.peers.pop_back();
  (*prober)->SetPlan(plan);
  testing::SampleRecorder after;
  (*prober)->WriteTo(after);
  CHECK(after.samples.count("hostmon_mesh_probes_total{class=\"regional\",peer=\"refused\"}") == 0);
  (*responder)->Stop();
}

}  // namespace
}  // namespace hostmon
