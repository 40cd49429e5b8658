// SPDX-License-Identifier: Apache-2.0
#include <atomic>
#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "collector/collector_config.h"
#include "collector/host_store.h"
#include "collector/remote_write/config.h"
#include "collector/remote_write/encoding.h"
#include "collector/remote_write/output.h"
#include "collector/remote_write/queue.h"
#include "collector/remote_write/transport.h"
#include "common/backoff.h"
#include "common/yaml_config.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_rw_transport.h"
#include "fakes/temp_dir.h"
#include "fakes/wait_for.h"
#include "hostmon/prompb/remote_write.pb.h"
#include "prometheus/registry.h"

namespace hostmon::collector::remote_write {
namespace {

using FakeTransport = ::hostmon::testing::FakeRwTransport;
using ::hostmon::testing::WaitFor;

class FlagHold : public AckHold {
 public:
  explicit FlagHold(std::atomic<int>* released) : released_(released) {}
  ~FlagHold() override { released_->fetch_add(1); }

 private:
  std::atomic<int>* released_;
};

// A FlagHold that also remembers how many requests the transport had answered when it was
// released (read `out` once the queue stopped).
class RequestCountHold : public FlagHold {
 public:
  RequestCountHold(std::atomic<int>* released, FakeTransport* transport, std::vector<size_t>* out)
      : FlagHold(released), transport_(transport), out_(out) {}
  ~RequestCountHold() override { out_->push_back(transport_->requests()); }

 private:
  FakeTransport* transport_;
  std::vector<size_t>* out_;
};

prompb::WriteRequest Decode(const std::string& compressed) {
  auto raw = SnappyUncompress(compressed);
  REQUIRE(raw.ok());
  prompb::WriteRequest req;
  REQUIRE(req.ParseFromString(*raw));
  return req;
}

std::shared_ptr<const EncodedBatch> Batch(const std::string& key, int n, int64_t ts0 = 1000) {
  auto b = std::make_shared<EncodedBatch>();
  b->key = key;
  for (int i = 0; i < n; ++i) {
    b->series.push_back(EncodeTimeSeries({{"__name__", "m"}, {"i", std::to_string(i)}},
                                         static_cast<double>(i), ts0 + i));
    b->timestamps_ms.push_back(ts0 + i);
  }
  return b;
}

RemoteWriteConfig FastConfig() {
  RemoteWriteConfig c;
  c.url = "http://127.0.0.1:1/api/v1/write";
  c.max_samples_per_send = 2;
  c.batch_send_deadline = absl::Milliseconds(5);
  c.min_backoff = absl::Milliseconds(30);
  c.max_backoff = absl::Milliseconds(100);
  return c;
}

double Value(prometheus::Registry& r, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  for (const auto& f : r.Collect()) {
    if (f.name != name) continue;
    for (const auto& m : f.metric) {
      bool match = true;
      for (const auto& [k, v] : labels) {
        bool found = false;
        for (const auto& l : m.label) found |= (l.name == k && l.value == v);
        match &= found;
      }
      if (!match) continue;
      if (f.type == prometheus::MetricType::Counter) return m.counter.value;
      if (f.type == prometheus::MetricType::Gauge) return m.gauge.value;
      if (f.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(m.histogram.sample_count);
      }
    }
  }
  return -1;
}

TEST_CASE("labels: __name__, series and host labels merged, host wins, sorted", "[remote_write]") {
  LabelPairs series = {{"mode", "idle"}, {"cpu", "0"}, {"instance", "spoofed"}, {"empty", ""}};
  LabelPairs host = {{"job", "node"}, {"instance", "web1"}, {"dc", "fra1"}};
  LabelPairs got = MergeLabels("node_cpu_seconds_total", series, host);
  LabelPairs want = {{"__name__", "node_cpu_seconds_total"},
                     {"cpu", "0"},
                     {"dc", "fra1"},
                     {"instance", "web1"},
                     {"job", "node"},
                     {"mode", "idle"}};
  CHECK(got == want);
}

TEST_CASE("labels: external labels come last, a host or series label of the same name wins",
          "[remote_write]") {
  LabelPairs series = {{"cluster", "from-series"}, {"mode", "idle"}};
  LabelPairs host = {{"instance", "web1"}, {"job", "node"}};
  LabelPairs external = {
      {"__replica__", "a"}, {"cluster", "eu1"}, {"instance", "ignored"}, {"region", "eu"}};
  LabelPairs got = MergeLabels("node_x", series, host, external);
  LabelPairs want = {{"__name__", "node_x"}, {"__replica__", "a"}, {"cluster", "from-series"},
                     {"instance", "web1"},   {"job", "node"},      {"mode", "idle"},
                     {"region", "eu"}};
  CHECK(got == want);
  // The hot-path encoder agrees with the merge.
  CHECK(EncodeSample("node_x", series, host, 2.5, 1700000000000, external) ==
        EncodeTimeSeries(want, 2.5, 1700000000000));
}

TEST_CASE("external labels: names and values are checked", "[remote_write]") {
  CHECK(ValidateExternalLabels({{"cluster", "eu1"}, {"__replica__", "b"}}).ok());
  absl::Status bad_name = ValidateExternalLabels({{"1cluster", "eu1"}});
  CHECK(absl::IsInvalidArgument(bad_name));
  CHECK(absl::StrContains(bad_name.message(), "1cluster"));
  CHECK(!ValidateExternalLabels({{"__name__", "x"}}).ok());
  absl::Status empty = ValidateExternalLabels({{"cluster", ""}});
  CHECK(absl::StrContains(empty.message(), "cluster"));
  CHECK(!ValidateExternalLabels({{"cluster", "\xff\xfe"}}).ok());
  CHECK(!RemoteWriteOutput::Create({}, nullptr, MakeCurlTransport, {{"a-b", "x"}}).ok());
}

TEST_CASE("encoding: golden bytes, decoded back with the generated WriteRequest",
          "[remote_write]") {
  std::string one = EncodeTimeSeries({{"__name__", "up"}, {"job", "n"}}, 1.0, 1700000000123);
  // TimeSeries{labels{name:"__name__" value:"up"} labels{name:"job" value:"n"}
  //            samples{value:1.0 timestamp:1700000000123}}
  const std::string golden(
      "\x0a\x0e\x0a\x08__name__\x12\x02up"
      "\x0a\x08\x0a\x03job\x12\x01n"
      "\x12\x10\x09\x00\x00\x00\x00\x00\x00\xf0\x3f\x10\xfb\xd0\x95\xff\xbc\x31",
      44);
  CHECK(one == golden);

  std::string body;
  AppendTimeSeries(one, &body);
  std::string two = EncodeTimeSeries({{"__name__", "x"}}, -2.5, 5);
  AppendTimeSeries(two, &body);
  prompb::WriteRequest req;
  REQUIRE(req.ParseFromString(body));
  REQUIRE(req.timeseries_size() == 2);
  CHECK(req.timeseries(0).labels(0).name() == "__name__");
  CHECK(req.timeseries(0).labels(1).value() == "n");
  CHECK(req.timeseries(0).samples(0).timestamp() == 1700000000123);
  CHECK(req.timeseries(1).samples(0).value() == -2.5);
  // Concatenating field-1 records is exactly the message's own serialization.
  CHECK(req.SerializeAsString() == body);

  // A series longer than 127 bytes needs a two-byte length varint.
  std::string long_series = EncodeTimeSeries({{"__name__", std::string(300, 'a')}}, 0, 0);
  std::string body2;
  AppendTimeSeries(long_series, &body2);
  prompb::WriteRequest req2;
  REQUIRE(req2.ParseFromString(body2));
  CHECK(req2.timeseries(0).labels(0).value().size() == 300);
}

TEST_CASE("encoding: the direct per-sample encoder writes what the message would",
          "[remote_write]") {
  LabelPairs host = {{"job", "node"}, {"instance", "web1"}, {"dc", ""}};
  const std::vector<LabelPairs> series = {{},
                                          {{"cpu", "0"}, {"mode", "idle"}},
                                          {{"instance", "x"}, {"zz", ""}},
                                          {{"a", std::string(200, 'v')}}};
  for (const LabelPairs& sl : series) {
    for (double v : {0.0, 1.5, -3.0, 1e300}) {
      for (int64_t ts : {int64_t{0}, int64_t{1}, int64_t{1700000000123}, int64_t{-5}}) {
        std::string want = EncodeTimeSeries(MergeLabels("node_x", sl, host), v, ts);
        INFO(sl.size() << " " << v << " " << ts);
        CHECK(EncodeSample("node_x", sl, host, v, ts) == want);
      }
    }
  }
}

TEST_CASE("snappy: block format round trip, garbage is an error", "[remote_write]") {
  std::string raw;
  for (int i = 0; i < 1000; ++i) raw += "node_cpu_seconds_total{cpu=\"" + std::to_string(i) + "\"}";
  std::string c = SnappyCompress(raw);
  CHECK(c.size() < raw.size() / 3);
  auto back = SnappyUncompress(c);
  REQUIRE(back.ok());
  CHECK(*back == raw);
  CHECK_FALSE(SnappyUncompress("\xff\xff\xff\xff\xff garbage").ok());
  CHECK(SnappyUncompress(SnappyCompress("")).value().empty());
}

TEST_CASE("retry decisions per status code, as Prometheus remote_write", "[remote_write]") {
  auto outcome = [](int status) {
    SendResult r;
    r.http_status = status;
    return Classify(r);
  };
  CHECK(outcome(200) == Outcome::kDelivered);
  CHECK(outcome(204) == Outcome::kDelivered);
  for (int s : {0, 429, 500, 502, 503, 504}) {
    INFO(s);
    CHECK(outcome(s) == Outcome::kRetry);
  }
  for (int s : {400, 401, 403, 404, 409, 413}) {
    INFO(s);
    CHECK(outcome(s) == Outcome::kRejected);
  }
  SendResult net;
  CHECK(std::string(FailureReason(net)) == "network");
  net.http_status = 400;
  CHECK(std::string(FailureReason(net)) == "http_4xx");

  // The queue's retry wait: common::ExponentialBackoff over its retry count, jitter [d/2, d].
  const absl::Duration lo = absl::Milliseconds(30), hi = absl::Seconds(1);
  CHECK(common::ExponentialBackoff(1, lo, hi) == lo);
  CHECK(common::ExponentialBackoff(2, lo, hi) == absl::Milliseconds(60));
  CHECK(common::ExponentialBackoff(12, lo, hi) == hi);
  CHECK(common::Jitter(absl::Seconds(1), 0.5, 1.0, 0.0) == absl::Milliseconds(500));
  CHECK(common::Jitter(absl::Seconds(1), 0.5, 1.0, 0.999) <= absl::Seconds(1));
  CHECK(common::Jitter(absl::Seconds(1), 0.5, 1.0, 0.5) == absl::Milliseconds(750));
}

TEST_CASE("queue: retries 5xx/429/network with growing backoff, then delivers, ack after delivery",
          "[remote_write]") {
  prometheus::Registry registry;
  RemoteWriteMetrics metrics(&registry);
  auto* transport = new FakeTransport({503, 429, 0});
  RemoteWriteConfig c = FastConfig();
  SampleQueue q(c, std::unique_ptr<Transport>(transport), metrics.ForUrl("u"));
  absl::Mutex mu;
  std::vector<absl::Duration> sleeps;
  q.set_sleep_for_test([&](absl::Duration d) {
    absl::MutexLock lock(&mu);
    sleeps.push_back(d);
    return true;
  });
  std::atomic<int> released{0};
  q.Enqueue(Batch("h/1/1", 2), std::make_shared<FlagHold>(&released));
  q.Start();
  REQUIRE(WaitFor([&] { return released.load() == 1; }));
  q.Stop(absl::Seconds(1));
  CHECK(transport->requests() == 4);  // 3 failures, then 200
  {
    absl::MutexLock lock(&mu);
    REQUIRE(sleeps.size() == 3);
    // [d/2, d] for d = 30, 60, 100 (capped) ms
    CHECK(sleeps[0] >= absl::Milliseconds(15));
    CHECK(sleeps[0] <= absl::Milliseconds(30));
    CHECK(sleeps[1] >= absl::Milliseconds(30));
    CHECK(sleeps[1] <= absl::Milliseconds(60));
    CHECK(sleeps[2] >= absl::Milliseconds(50));
    CHECK(sleeps[2] <= absl::Milliseconds(100));
  }
  // The same bytes every attempt.
  auto bodies = transport->bodies();
  CHECK(bodies[0] == bodies[3]);
  prompb::WriteRequest req = Decode(bodies[3]);
  CHECK(req.timeseries_size() == 2);
  CHECK(req.timeseries(1).samples(0).timestamp() == 1001);
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_sent_total") == 2);
  CHECK(Value(registry, "hostmon_collector_remote_write_retries_total") == 3);
  CHECK(Value(registry, "hostmon_collector_remote_write_highest_sent_timestamp_seconds") ==
        Approx(1.001));
  CHECK(Value(registry, "hostmon_collector_remote_write_queue_samples") == 0);
}

TEST_CASE("queue: a 4xx is not retried, samples counted as failed, batch acknowledged",
          "[remote_write]") {
  prometheus::Registry registry;
  RemoteWriteMetrics metrics(&registry);
  auto* transport = new FakeTransport({400});
  SampleQueue q(FastConfig(), std::unique_ptr<Transport>(transport), metrics.ForUrl("u"));
  q.set_sleep_for_test([](absl::Duration) { return true; });
  std::atomic<int> released{0};
  q.Enqueue(Batch("a", 2), std::make_shared<FlagHold>(&released));
  q.Enqueue(Batch("b", 1), std::make_shared<FlagHold>(&released));
  q.Start();
  REQUIRE(WaitFor([&] { return released.load() == 2; }));
  q.Stop(absl::Seconds(1));
  CHECK(transport->requests() == 2);
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_failed_total",
              {{"reason", "http_4xx"}}) == 2);
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_sent_total") == 1);
  CHECK(Value(registry, "hostmon_collector_remote_write_retries_total") == 0);
}

TEST_CASE("queue: batching by max_samples_per_send, partial batches ack only when complete",
          "[remote_write]") {
  prometheus::Registry registry;
  RemoteWriteMetrics metrics(&registry);
  auto* transport = new FakeTransport();
  RemoteWriteConfig c = FastConfig();
  c.max_samples_per_send = 3;
  c.batch_send_deadline = absl::Seconds(10);  // only full requests until Stop flushes
  SampleQueue q(c, std::unique_ptr<Transport>(transport), metrics.ForUrl("u"));
  std::atomic<int> released{0};
  std::vector<size_t> released_after;  // requests answered when each hold was released
  q.Enqueue(Batch("a", 2),
            std::make_shared<RequestCountHold>(&released, transport, &released_after));
  q.Enqueue(Batch("b", 2),
            std::make_shared<RequestCountHold>(&released, transport, &released_after));
  q.Start();
  // One request of 3: batch a complete, batch b half sent.
  REQUIRE(WaitFor([&] { return transport->requests() == 1; }));
  REQUIRE(WaitFor([&] { return released.load() == 1; }));
  CHECK(released.load() == 1);
  CHECK(q.queued_samples() == 1);
  q.Stop(absl::Seconds(1));  // flushes the rest
  CHECK(transport->requests() == 2);
  CHECK(released.load() == 2);
  // a was released with the first request; b only with the second, which completed it.
  CHECK(released_after == std::vector<size_t>{1, 2});
  CHECK(Decode(transport->bodies()[0]).timeseries_size() == 3);
  CHECK(Decode(transport->bodies()[1]).timeseries_size() == 1);
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_sent_total") == 4);
}

TEST_CASE("queue without wait_for_delivery: bounded, overflow dropped and counted",
          "[remote_write]") {
  prometheus::Registry registry;
  RemoteWriteMetrics metrics(&registry);
  auto* transport = new FakeTransport();
  RemoteWriteConfig c = FastConfig();
  c.capacity = 3;
  c.wait_for_delivery = false;
  SampleQueue q(c, std::unique_ptr<Transport>(transport), metrics.ForUrl("u"));
  std::atomic<int> released{0};
  CHECK(q.Enqueue(Batch("a", 2), std::make_shared<FlagHold>(&released)));
  // The hold is not kept: the batch is acknowledged as soon as it was queued.
  CHECK(released.load() == 1);
  CHECK_FALSE(q.Enqueue(Batch("b", 2), std::make_shared<FlagHold>(&released)));
  CHECK(q.Enqueue(Batch("c", 1), nullptr));
  CHECK(q.queued_samples() == 3);
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_dropped_total") == 2);
  CHECK(q.ReadyOrNotify([] {}));  // never pauses streams in this mode
  q.Start();
  q.Stop(absl::Seconds(1));
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_sent_total") == 3);
}

TEST_CASE("queue with wait_for_delivery: full queue pauses streams until it drains",
          "[remote_write]") {
  prometheus::Registry registry;
  RemoteWriteMetrics metrics(&registry);
  auto* transport = new FakeTransport();
  transport->SetOpen(false);  // receiver hangs
  RemoteWriteConfig c = FastConfig();
  c.capacity = 3;
  SampleQueue q(c, std::unique_ptr<Transport>(transport), metrics.ForUrl("u"));
  std::atomic<int> released{0};
  std::atomic<int> resumed{0};
  CHECK(q.ReadyOrNotify([] {}));
  CHECK(q.Enqueue(Batch("a", 2), std::make_shared<FlagHold>(&released)));
  CHECK(q.ReadyOrNotify([] {}));
  // Admitted although it overshoots: the stream had already read it.
  CHECK(q.Enqueue(Batch("b", 2), std::make_shared<FlagHold>(&released)));
  CHECK(q.queued_samples() == 4);
  CHECK_FALSE(q.ReadyOrNotify([&] { resumed++; }));
  // A re-send of a queued batch waits for the original.
  CHECK(q.HoldDuplicate("a", std::make_shared<FlagHold>(&released)));
  CHECK_FALSE(q.HoldDuplicate("zzz", std::make_shared<FlagHold>(&released)));
  CHECK(released.load() == 1);  // only the unknown duplicate's hold went
  q.Start();
  // The sender is stuck at the hanging receiver: nothing can drain until it opens.
  REQUIRE(WaitFor([&] { return transport->posts() == 1; }));
  CHECK(resumed.load() == 0);
  CHECK(released.load() == 1);
  transport->SetOpen(true);
  REQUIRE(WaitFor([&] { return released.load() == 4; }));
  REQUIRE(WaitFor([&] { return resumed.load() == 1; }));
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_dropped_total") == 0);
  q.Stop(absl::Seconds(1));
}

TEST_CASE("queue: stop with an unreachable receiver counts what is left, keeps acks back",
          "[remote_write]") {
  prometheus::Registry registry;
  RemoteWriteMetrics metrics(&registry);
  auto* transport = new FakeTransport(std::vector<int>(1000, 503));
  SampleQueue q(FastConfig(), std::unique_ptr<Transport>(transport), metrics.ForUrl("u"));
  std::atomic<int> released{0};
  q.Enqueue(Batch("a", 3), std::make_shared<FlagHold>(&released));
  q.Start();
  REQUIRE(WaitFor([&] { return transport->requests() >= 2; }));
  q.Stop(absl::Milliseconds(50));
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_failed_total",
              {{"reason", "shutdown"}}) == 3);
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_sent_total") == 0);
  CHECK(Value(registry, "hostmon_collector_remote_write_queue_samples") == 0);
}

TEST_CASE("queue: stop aborts a request hanging past the grace period", "[remote_write]") {
  prometheus::Registry registry;
  RemoteWriteMetrics metrics(&registry);
  auto* transport = new FakeTransport();
  transport->SetOpen(false);
  SampleQueue q(FastConfig(), std::unique_ptr<Transport>(transport), metrics.ForUrl("u"));
  std::atomic<int> released{0};
  q.Enqueue(Batch("a", 1), std::make_shared<FlagHold>(&released));
  q.Start();
  REQUIRE(WaitFor([&] { return transport->posts() == 1; }));  // the request hangs
  absl::Time t0 = absl::Now();
  q.Stop(absl::Milliseconds(10));
  CHECK(absl::Now() - t0 < absl::Seconds(5));
  CHECK(Value(registry, "hostmon_collector_remote_write_samples_failed_total",
              {{"reason", "shutdown"}}) == 1);
}

TEST_CASE("output: applied batch encoded with original timestamps, two receivers both ack",
          "[remote_write]") {
  prometheus::Registry registry;
  std::vector<FakeTransport*> transports;
  RemoteWriteConfig a = FastConfig(), b = FastConfig();
  b.url = "http://user:secret@127.0.0.1:2/write?x=1";
  CHECK(b.DisplayName() == "http://127.0.0.1:2/write");
  auto out = RemoteWriteOutput::Create(
      {a, b}, &registry,
      [&](const RemoteWriteConfig&) -> absl::StatusOr<std::unique_ptr<Transport>> {
        transports.push_back(new FakeTransport());
        return std::unique_ptr<Transport>(transports.back());
      });
  REQUIRE(out.ok());
  REQUIRE((*out)->queue_count() == 2);
  transports[1]->SetOpen(false);
  (*out)->Start();

  std::string family = "node_load1";
  LabelPairs series_labels = {{"instance", "ignored"}};
  AppliedBatch batch;
  batch.host = "web1";
  batch.host_labels = {{"instance", "web1"}, {"job", "node"}};
  batch.epoch = 7;
  batch.sequence = 3;
  batch.replayed = true;
  batch.samples.push_back(
      AppliedSample{&family, ::hostmon::ingest::v1::METRIC_TYPE_GAUGE, &series_labels, 0.5, 111});
  batch.samples.push_back(
      AppliedSample{&family, ::hostmon::ingest::v1::METRIC_TYPE_GAUGE, &series_labels, 0.7, 222});
  std::atomic<int> released{0};
  batch.ack_hold = std::make_shared<FlagHold>(&released);
  (*out)->OnBatch(batch);
  batch.ack_hold.reset();
  REQUIRE(WaitFor([&] { return transports[0]->requests() == 1; }));
  REQUIRE(WaitFor([&] { return transports[1]->posts() == 1; }));  // hanging at the second
  CHECK(released.load() == 0);  // the second receiver has not got it yet
  transports[1]->SetOpen(true);
  REQUIRE(WaitFor([&] { return released.load() == 1; }));
  prompb::WriteRequest req = Decode(transports[1]->bodies()[0]);
  REQUIRE(req.timeseries_size() == 2);
  CHECK(req.timeseries(0).labels_size() == 3);
  CHECK(req.timeseries(0).labels(1).name() == "instance");
  CHECK(req.timeseries(0).labels(1).value() == "web1");
  CHECK(req.timeseries(0).samples(0).timestamp() == 111);
  CHECK(req.timeseries(1).samples(0).value() == 0.7);
  (*out)->Stop(absl::Seconds(1));
}

TEST_CASE("config: remote_write list parsed, errors name file:line and field", "[remote_write]") {
  auto load = [](const std::string& text, std::vector<RemoteWriteConfig>* out) {
    auto y = common::YamlConfig::Parse(text, "c.yml");
    REQUIRE(y.ok());
    return LoadRemoteWriteConfigs(*y, y->root()["remote_write"], out);
  };
  std::vector<RemoteWriteConfig> got;
  absl::Status s = load(
      "remote_write:\n"
      "  - url: http://a:9090/api/v1/write\n"
      "    remote_timeout: 10s\n"
      "    queue_config: {capacity: 500, max_samples_per_send: 100, batch_send_deadline: 1s,\n"
      "                   min_backoff: 10ms, max_backoff: 2s}\n"
      "    headers: {X-Scope-OrgID: tenant1}\n"
      "    tls_config: {insecure_skip_verify: true}\n"
      "  - url: https://b/write\n"
      "    wait_for_delivery: false\n"
      "    bearer_token_file: /t\n",
      &got);
  REQUIRE(s.ok());
  REQUIRE(got.size() == 2);
  CHECK(got[0].capacity == 500);
  CHECK(got[0].max_samples_per_send == 100);
  CHECK(got[0].remote_timeout == absl::Seconds(10));
  CHECK(got[0].min_backoff == absl::Milliseconds(10));
  CHECK(got[0].headers.at("X-Scope-OrgID") == "tenant1");
  CHECK(got[0].tls_insecure_skip_verify);
  CHECK(got[0].wait_for_delivery);
  CHECK_FALSE(got[1].wait_for_delivery);
  CHECK(got[1].max_samples_per_send == 2000);

  got.clear();
  s = load("remote_write:\n  - url: http://a/w\n    queue_config: {capacity: 0}\n", &got);
  CHECK(s.message().find("c.yml:3") != absl::string_view::npos);
  CHECK(s.message().find("remote_write[0].queue_config.capacity") != absl::string_view::npos);
  s = load("remote_write:\n  - url: ftp://a/w\n", &got);
  CHECK(s.message().find("c.yml:2") != absl::string_view::npos);
  CHECK(s.message().find("http://") != absl::string_view::npos);
  s = load("remote_write:\n  - urll: http://a/w\n", &got);
  CHECK(s.message().find("urll") != absl::string_view::npos);
  s = load("remote_write:\n  - url: http://a/w\n    headers: {Content-Type: x}\n", &got);
  CHECK(s.message().find("set by the collector") != absl::string_view::npos);
  s = load("remote_write: http://a/w\n", &got);
  CHECK(s.message().find("expected a list") != absl::string_view::npos);
  s = load(
      "remote_write:\n  - url: http://a/w\n    queue_config: {min_backoff: 2s, max_backoff: 1s}\n",
      &got);
  CHECK_FALSE(s.ok());
}

}  // namespace
}  // namespace hostmon::collector::remote_write

namespace hostmon::collector {
namespace {

TEST_CASE("collector config file: remote_write section loads, errors name file:line",
          "[remote_write][config]") {
  testing::ScopedTempDir dir;
  CollectorConfig c;
  std::string path = dir.Write("collector.yaml",
                               "log:\n  level: info\n"
                               "remote_write:\n"
                               "  - url: http://prom:9090/api/v1/write\n"
                               "    queue_config: {capacity: 5000}\n");
  REQUIRE(LoadCollectorConfigFile(path, &c).ok());
  REQUIRE(c.remote_write.size() == 1);
  CHECK(c.remote_write[0].capacity == 5000);
  CHECK(ValidateCollectorConfig(c).ok());

  CollectorConfig bad;
  path = dir.Write("bad.yaml",
                   "remote_write:\n"
                   "  - url: http://prom:9090/api/v1/write\n"
                   "    queue_config:\n"
                   "      max_backoff: soon\n");
  absl::Status s = LoadCollectorConfigFile(path, &bad);
  CHECK_FALSE(s.ok());
  CHECK(std::string(s.message()).find("bad.yaml:4") != std::string::npos);
  CHECK(std::string(s.message()).find("max_backoff") != std::string::npos);

  CollectorConfig flag_only;
  flag_only.remote_write.emplace_back().url = "prom:9090";  // as --remote-write.url would add it
  CHECK_FALSE(ValidateCollectorConfig(flag_only).ok());
}

}  // namespace
}  // namespace hostmon::collector

namespace hostmon::collector {
namespace {

namespace pb = ::hostmon::ingest::v1;

class HoldingObserver : public BatchObserver {
 public:
  void OnBatch(const AppliedBatch& batch) override {
    holds.push_back(batch.ack_hold);
    keys.push_back(
        remote_write::RemoteWriteOutput::BatchKey(batch.host, batch.epoch, batch.sequence));
  }
  void OnDuplicate(absl::string_view host, uint64_t epoch, uint64_t sequence,
                   const AckHoldPtr& hold) override {
    holds.push_back(hold);
    duplicate_keys.push_back(remote_write::RemoteWriteOutput::BatchKey(host, epoch, sequence));
  }
  std::vector<AckHoldPtr> holds;
  std::vector<std::string> keys, duplicate_keys;
};

TEST_CASE("HostStore hands the ack hold to observers, also for a re-sent duplicate",
          "[remote_write]") {
  testing::FakeClock clock;
  HostStore store(HostStoreOptions{}, &clock);
  HoldingObserver obs;
  store.AddObserver(&obs);
  StreamState stream;
  pb::Hello hello;
  hello.set_host_name("h1");
  hello.set_epoch(9);
  hello.set_collection_interval_ms(1000);
  REQUIRE(store.Attach(hello, &stream).ok());
  pb::Batch b;
  b.set_sequence(4);
  b.set_timestamp_ms(1000);
  auto* f = b.add_family_defs();
  f->set_ref(1);
  f->set_name("node_load1");
  f->set_type(pb::METRIC_TYPE_GAUGE);
  auto* s = b.add_series_defs();
  s->set_ref(1);
  s->set_family_ref(1);
  b.add_series_refs(1);
  b.add_values(0.5);

  std::atomic<int> released{0};
  REQUIRE(store.Apply(b, &stream, std::make_shared<remote_write::FlagHold>(&released)).ok());
  auto dup = store.Apply(b, &stream, std::make_shared<remote_write::FlagHold>(&released));
  REQUIRE(dup.ok());
  CHECK(dup->duplicate);
  CHECK(obs.keys ==
        std::vector<std::string>{remote_write::RemoteWriteOutput::BatchKey("h1", 9, 4)});
  CHECK(obs.duplicate_keys == obs.keys);
  CHECK(released.load() == 0);  // both holds kept by the observer
  obs.holds.clear();
  CHECK(released.load() == 2);
}

}  // namespace
}  // namespace hostmon::collector
