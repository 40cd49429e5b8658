// SPDX-License-Identifier: Apache-2.0
//
// The ingest service's limits as an agent sees them, in process over loopback gRPC: a stream
// without hello is closed, a stream over its rate is read more slowly, a batch over a series
// limit gets a Rejection (never an ack, also when re-sent) and ends the stream, a host over the
// host limit is refused, and a newer stream of a host drains the older one.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "collector/ingest_service.h"
#include "fakes/fake_clock.h"
#include "fakes/wait_for.h"
#include "grpcpp/grpcpp.h"

namespace hostmon {
namespace {

namespace pb = ::hostmon::ingest::v1;

struct Collector {
  explicit Collector(collector::HostStoreOptions hosts = {}, collector::IngestOptions ingest = {})
      : store(hosts, &clock), service(&store, &metrics, nullptr, nullptr, ingest) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&service);
    server = b.BuildAndStart();
    REQUIRE(server != nullptr);
  }
  ~Collector() { server->Shutdown(std::chrono::system_clock::now()); }
  std::string Export() {
    std::string out;
    store.WriteExposition(&out);
    return out;
  }

  testing::FakeClock clock;
  collector::CollectorMetrics metrics;
  collector::HostStore store;
  collector::IngestService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

// One agent stream, driven by the test.
class Stream {
 public:
  explicit Stream(int port)
      : stub_(pb::Ingest::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                      grpc::InsecureChannelCredentials()))) {
    ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    stream_ = stub_->Stream(&ctx_);
  }
  bool Hello(const std::string& host, uint64_t epoch = 1) {
    pb::AgentMessage m;
    m.mutable_hello()->set_host_name(host);
    m.mutable_hello()->set_epoch(epoch);
    return stream_->Write(m);
  }
  bool Send(const pb::Batch& b) {
    pb::AgentMessage m;
    *m.mutable_batch() = b;
    return stream_->Write(m);
  }
  // The next message, or false once the stream ended.
  bool Read(pb::CollectorMessage* m) { return stream_->Read(m); }
  grpc::Status Finish() {
    stream_->WritesDone();
    pb::CollectorMessage m;
    while (stream_->Read(&m)) {
    }
    return stream_->Finish();
  }

 private:
  std::unique_ptr<pb::Ingest::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<pb::AgentMessage, pb::CollectorMessage>> stream_;
};

// Family 1 "g", series refs 1..n {i="<ref>"}, one sample each of `value`.
pb::Batch Batch(uint64_t seq, int64_t ts_ms, uint32_t n, double value) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts_ms);
  auto* f = b.add_family_defs();
  f->set_ref(1);
  f->set_name("g");
  f->set_type(pb::METRIC_TYPE_GAUGE);
  for (uint32_t r = 1; r <= n; ++r) {
    auto* s = b.add_series_defs();
    s->set_ref(r);
    s->set_family_ref(1);
    auto* l = s->add_labels();
    l->set_name("i");
    l->set_value(std::to_string(r));
    b.add_series_refs(r);
    b.add_values(value);
  }
  return b;
}

int64_t NowMs(const Collector& c) { return absl::ToUnixMillis(c.clock.Now()); }

TEST_CASE("A stream without hello is closed after the hello timeout and counted",
          "[integration][ingest][limits]") {
  collector::IngestOptions io;
  io.hello_timeout = absl::Milliseconds(300);
  Collector c({}, io);
  Stream s(c.port);
  REQUIRE(testing::WaitFor([&] { return c.metrics.streams_without_hello.Value() == 1; }));
  auto start = std::chrono::steady_clock::now();
  pb::CollectorMessage m;
  CHECK_FALSE(s.Read(&m));
  grpc::Status st = s.Finish();
  CHECK(st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK_THAT(st.error_message(), Catch::Contains("no hello within"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(c.metrics.RejectedMessages("hello_timeout").Value() == 1);
  CHECK(testing::WaitFor([&] { return c.metrics.streams_without_hello.Value() == 0; }));
  // A stream that says hello in time stays.
  Stream ok(c.port);
  REQUIRE(ok.Hello("h"));
  REQUIRE(ok.Send(Batch(1, NowMs(c), 1, 1)));
  REQUIRE(ok.Read(&m));
  CHECK(m.has_ack());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  REQUIRE(ok.Send(Batch(2, NowMs(c), 1, 2)));
  REQUIRE(ok.Read(&m));
  CHECK(m.has_ack());
  CHECK(c.metrics.RejectedMessages("hello_timeout").Value() == 1);
}

TEST_CASE("A batch over the series limit is rejected, never acked, and ends the stream",
          "[integration][ingest][limits]") {
  collector::HostStoreOptions ho;
  ho.max_series_per_host = 2;
  Collector c(ho);
  for (int attempt = 0; attempt < 2; ++attempt) {  // the re-send on a new stream: the same
    Stream s(c.port);
    REQUIRE(s.Hello("h"));
    REQUIRE(s.Send(Batch(1, NowMs(c), 3, 1)));
    pb::CollectorMessage m;
    REQUIRE(s.Read(&m));
    REQUIRE(m.has_rejection());
    CHECK(m.rejection().sequence() == 1);
    CHECK_THAT(m.rejection().reason(), Catch::Contains("hosts.max_series_per_host"));
    CHECK_FALSE(s.Read(&m));
    grpc::Status st = s.Finish();
    CHECK(st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  CHECK(c.metrics.RejectedMessages("series_limit").Value() == 2);
  CHECK(c.Export().empty());
}

TEST_CASE("A host name over the host limit is refused at hello", "[integration][ingest][limits]") {
  collector::HostStoreOptions ho;
  ho.max_hosts = 1;
  Collector c(ho);
  Stream a(c.port);
  REQUIRE(a.Hello("a"));
  REQUIRE(a.Send(Batch(1, NowMs(c), 1, 1)));
  pb::CollectorMessage m;
  REQUIRE(a.Read(&m));
  CHECK(m.has_ack());
  Stream b(c.port);
  REQUIRE(b.Hello("b"));
  grpc::Status st = b.Finish();
  CHECK(st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK_THAT(st.error_message(), Catch::Contains("hosts.max_hosts"));
  CHECK(c.metrics.RejectedMessages("host_limit").Value() == 1);
}

TEST_CASE("A newer stream of a host drains the older one, acks mean applied",
          "[integration][ingest][limits]") {
  Collector c;
  Stream a(c.port);
  REQUIRE(a.Hello("h", 5));
  pb::CollectorMessage m;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    REQUIRE(a.Send(Batch(seq, NowMs(c), 1, 1)));
    REQUIRE(a.Read(&m));
    CHECK(m.has_ack());
  }
  // Another agent with the same host name and epoch: it wins, a is told why and closed.
  Stream b(c.port);
  REQUIRE(b.Hello("h", 5));
  REQUIRE(a.Read(&m));
  REQUIRE(m.has_drain());
  CHECK_THAT(m.drain().reason(), Catch::Contains("superseded"));
  grpc::Status st = a.Finish();
  CHECK(st.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(c.metrics.RejectedMessages("superseded").Value() == 1);
  // b's batches re-use a's sequence numbers with other values: applied, then acked.
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    REQUIRE(b.Send(Batch(seq, NowMs(c) + 1, 1, 10.0 + static_cast<double>(seq))));
    REQUIRE(b.Read(&m));
    REQUIRE(m.has_ack());
    CHECK(m.ack().sequences(0) == seq);
    CHECK_THAT(c.Export(), Catch::Contains("g{i=\"1\",instance=\"h\",job=\"node\"} " +
                                           std::to_string(10 + seq) + "\n"));
  }
  CHECK(c.metrics.duplicate_batches.Value() == 0);
  CHECK(b.Finish().ok());
}

TEST_CASE("A sample from the future gets a Rejection, the stream goes on",
          "[integration][ingest][limits]") {
  Collector c;
  Stream s(c.port);
  REQUIRE(s.Hello("h"));
  REQUIRE(s.Send(Batch(1, NowMs(c) + int64_t{10} * 365 * 24 * 3600 * 1000, 1, 1)));
  pb::CollectorMessage m;
  REQUIRE(s.Read(&m));
  REQUIRE(m.has_rejection());
  CHECK_THAT(m.rejection().reason(), Catch::Contains("ahead of the collector's clock"));
  CHECK(c.metrics.RejectedMessages("timestamp_out_of_window").Value() == 1);
  pb::Batch next;
  next.set_sequence(2);
  next.set_timestamp_ms(NowMs(c));
  next.add_series_refs(1);  // defined by the rejected batch: definitions stay
  next.add_values(2);
  REQUIRE(s.Send(next));
  REQUIRE(s.Read(&m));
  REQUIRE(m.has_ack());
  CHECK_THAT(c.Export(), Catch::Contains("g{i=\"1\",instance=\"h\",job=\"node\"} 2\n"));
}

TEST_CASE("A stream over its sample rate is read more slowly", "[integration][ingest][limits]") {
  collector::IngestOptions io;
  io.max_samples_per_second = 20;
  Collector c({}, io);
  Stream s(c.port);
  REQUIRE(s.Hello("h"));
  auto start = std::chrono::steady_clock::now();
  // 4 x 20 samples: the first takes the whole budget (one second's worth) and the second puts
  // it 20 in debt, so the third is read 1 s later and the fourth 2 s later.
  for (uint64_t seq = 1; seq <= 4; ++seq) REQUIRE(s.Send(Batch(seq, NowMs(c), 20, 1)));
  std::vector<uint64_t> acked;
  pb::CollectorMessage m;
  while (acked.size() < 4 && s.Read(&m)) {
    REQUIRE(m.has_ack());
    for (uint64_t seq : m.ack().sequences()) acked.push_back(seq);
  }
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(acked.size() == 4);
  CHECK(took >= std::chrono::milliseconds(1500));
  CHECK(took < std::chrono::seconds(10));
  CHECK(c.metrics.throttled_seconds.Value() >= 1.5);
  CHECK(s.Finish().ok());
}

}  // namespace
}  // namespace hostmon
