// SPDX-License-Identifier: Apache-2.0
//
// The real HostStore drives the rule engine through the BatchObserver contract: hello, batches
// (protobuf, as an agent sends them) and the end of the stream.
#include <catch2/catch.hpp>

#include "collector/alerting/engine_fixture.h"
#include "collector/host_store.h"

namespace hostmon::collector::alerting {
namespace {

namespace pb = ::hostmon::ingest::v1;

pb::Batch LoadBatch(uint64_t seq, int64_t ts_ms, double load, bool define) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts_ms);
  if (define) {
    auto* f = b.add_family_defs();
    f->set_ref(1);
    f->set_name("node_load1");
    f->set_type(pb::METRIC_TYPE_GAUGE);
    auto* s = b.add_series_defs();
    s->set_ref(10);
    s->set_family_ref(1);
  }
  b.add_series_refs(10);
  b.add_values(load);
  return b;
}

constexpr char kRules[] =
    "settings:\n  flap_window: 0s\n"
    "host_down:\n  grace: 30s\n"
    "rules:\n"
    "  - name: HighLoad\n"
    "    expr: {func: avg_over_time, window: 30s, select: node_load1}\n"
    "    op: \">\"\n"
    "    threshold: 4\n"
    "    for: 10s\n";

TEST_CASE("HostStore batches and stream ends drive alerts", "[alerting]") {
  testing::Harness h(kRules);
  HostStoreOptions opts;
  opts.allowed_static_labels = {"job"};  // job is denied unless allowed
  HostStore store(opts, &h.clock);
  store.AddObserver(h.engine.get());
  pb::Hello hello;
  hello.set_host_name("db1");
  hello.set_epoch(7);
  hello.set_collection_interval_ms(5000);
  auto* l = hello.add_static_labels();
  l->set_name("job");
  l->set_value("db");

  SECTION("a breach fires, a lost stream becomes HostDown") {
    StreamState stream;
    REQUIRE(store.Attach(hello, &stream).ok());
    int64_t ts = absl::ToUnixMillis(h.clock.Now());
    REQUIRE(store.Apply(LoadBatch(1, ts, 9, true), &stream).ok());
    auto a = h.Find("HighLoad");
    REQUIRE(a != nullptr);
    CHECK(a->state == AlertState::kPending);
    CHECK(testing::Label(a->labels, "instance") == "db1");
    CHECK(testing::Label(a->labels, "job") == "db");
    for (uint64_t seq = 2; seq <= 3; ++seq) {
      h.clock.Advance(absl::Seconds(5));
      REQUIRE(store.Apply(LoadBatch(seq, ts += 5000, 9, false), &stream).ok());
    }
    CHECK(h.Find("HighLoad")->state == AlertState::kFiring);
    // A re-sent (duplicate) batch is not applied twice and reaches no observer.
    REQUIRE(store.Apply(LoadBatch(3, ts, 0, false), &stream).ok());
    CHECK(h.Find("HighLoad")->value == Approx(9));
    CHECK(h.sink.Take().size() == 1);

    store.Detach(&stream);  // no goodbye: lost
    h.Tick(absl::Seconds(29));
    CHECK(h.Find("HostDown")->state == AlertState::kPending);
    h.Tick(absl::Seconds(1));
    auto down = h.Find("HostDown");
    REQUIRE(down != nullptr);
    CHECK(down->state == AlertState::kFiring);
    CHECK(testing::Label(down->labels, "job") == "db");
    // The load alert resolves once the host's data is stale (5 x 5 s).
    CHECK(h.Find("HighLoad") == nullptr);
  }
  SECTION("a goodbye raises nothing") {
    StreamState stream;
    REQUIRE(store.Attach(hello, &stream).ok());
    REQUIRE(store.Apply(LoadBatch(1, absl::ToUnixMillis(h.clock.Now()), 1, true), &stream).ok());
    stream.goodbye = true;
    store.Detach(&stream);
    h.Tick(absl::Minutes(5));
    CHECK(h.engine->Alerts().empty());
    CHECK(h.sink.Take().empty());
  }
}

}  // namespace
}  // namespace hostmon::collector::alerting
