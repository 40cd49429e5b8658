// SPDX-License-Identifier: Apache-2.0
#include "collector/host_store.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "fakes/fake_clock.h"

namespace hostmon::collector {
namespace {

namespace pb = ::hostmon::ingest::v1;

pb::Hello MakeHello(const std::string& host, uint64_t epoch = 42) {
  pb::Hello h;
  h.set_host_name(host);
  h.set_epoch(epoch);
  h.set_collection_interval_ms(1000);
  return h;
}

// A batch defining family 1 (node_load1, gauge) and series 10 (no labels) with one value, plus
// family 2 (node_cpu_seconds_total) and series 20 {cpu="0",mode="idle"}.
pb::Batch FirstBatch(uint64_t seq, int64_t ts_ms, double load, double idle) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts_ms);
  auto* f1 = b.add_family_defs();
  f1->set_ref(1);
  f1->set_name("node_load1");
  f1->set_type(pb::METRIC_TYPE_GAUGE);
  f1->set_help("1m load average.");
  auto* f2 = b.add_family_defs();
  f2->set_ref(2);
  f2->set_name("node_cpu_seconds_total");
  f2->set_type(pb::METRIC_TYPE_COUNTER);
  auto* s10 = b.add_series_defs();
  s10->set_ref(10);
  s10->set_family_ref(1);
  auto* s20 = b.add_series_defs();
  s20->set_ref(20);
  s20->set_family_ref(2);
  auto* l = s20->add_labels();
  l->set_name("cpu");
  l->set_value("0");
  l = s20->add_labels();
  l->set_name("mode");
  l->set_value("idle");
  b.add_series_refs(10);
  b.add_values(load);
  b.add_series_refs(20);
  b.add_values(idle);
  return b;
}

pb::Batch ValuesBatch(uint64_t seq, int64_t ts_ms, double load) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts_ms);
  b.add_series_refs(10);
  b.add_values(load);
  return b;
}

std::string Export(HostStore& store) {
  std::string out;
  store.WriteExposition(&out);
  return out;
}

struct Fixture {
  testing::FakeClock clock;
  HostStore store{HostStoreOptions{}, &clock};
  StreamState stream;
};

TEST_CASE("Applied batches are exported with instance and job labels", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("web-1"), &f.stream).ok());
  auto r = f.store.Apply(FirstBatch(1, 1000, 0.5, 12.25), &f.stream);
  REQUIRE(r.ok());
  CHECK(r->samples == 2);
  CHECK_FALSE(r->duplicate);
  CHECK(Export(f.store) ==
        "# TYPE node_cpu_seconds_total counter\n"
        "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",instance=\"web-1\",job=\"node\"} 12.25\n"
        "# HELP node_load1 1m load average.\n"
        "# TYPE node_load1 gauge\n"
        "node_load1{instance=\"web-1\",job=\"node\"} 0.5\n");
}

TEST_CASE("Static labels from the hello override the default job", "[collector][store]") {
  Fixture f;
  HostStoreOptions opts;
  opts.allowed_static_labels = {"dc", "job"};  // job is denied unless allowed
  HostStore store(opts, &f.clock);
  pb::Hello h = MakeHello("db-1");
  auto* l = h.add_static_labels();
  l->set_name("job");
  l->set_value("database");
  l = h.add_static_labels();
  l->set_name("dc");
  l->set_value("fra1");
  REQUIRE(store.Attach(h, &f.stream).ok());
  REQUIRE(store.Apply(FirstBatch(1, 1000, 0.5, 1), &f.stream).ok());
  CHECK_THAT(Export(store),
             Catch::Contains("node_load1{dc=\"fra1\",instance=\"db-1\",job=\"database\"} 0.5"));
}

TEST_CASE("A re-sent sequence number is acknowledged but not applied twice", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 1), &f.stream).ok());
  REQUIRE(f.store.Apply(ValuesBatch(2, 2000, 2.0), &f.stream).ok());
  // Same sequence on a new stream (reconnect), carrying its definitions again.
  f.store.Detach(&f.stream);
  StreamState s2;
  REQUIRE(f.store.Attach(MakeHello("h"), &s2).ok());
  // The re-send carries batch 2's values again, plus the definitions (and no value of series 20).
  pb::Batch resend = FirstBatch(2, 2000, 2.0, 1);
  resend.mutable_series_refs()->RemoveLast();
  resend.mutable_values()->RemoveLast();
  auto r = f.store.Apply(resend, &s2);
  REQUIRE(r.ok());
  CHECK(r->duplicate);
  CHECK_THAT(Export(f.store), Catch::Contains("node_load1{instance=\"h\",job=\"node\"} 2\n"));
  // Definitions of the duplicate were still recorded: the next batch can use ref 10.
  auto r3 = f.store.Apply(ValuesBatch(3, 3000, 3.0), &s2);
  REQUIRE(r3.ok());
  CHECK_THAT(Export(f.store), Catch::Contains("node_load1{instance=\"h\",job=\"node\"} 3\n"));
}

TEST_CASE("A new epoch resets de-duplication", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h", 1), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 1), &f.stream).ok());
  StreamState s2;
  REQUIRE(f.store.Attach(MakeHello("h", 2), &s2).ok());
  auto r = f.store.Apply(FirstBatch(1, 2000, 5.0, 1), &s2);
  REQUIRE(r.ok());
  CHECK_FALSE(r->duplicate);
}

TEST_CASE("An older replayed sample does not overwrite a newer value", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(5, 5000, 5.0, 1), &f.stream).ok());
  REQUIRE(f.store.Apply(ValuesBatch(4, 4000, 4.0), &f.stream).ok());
  CHECK_THAT(Export(f.store), Catch::Contains("node_load1{instance=\"h\",job=\"node\"} 5\n"));
}

TEST_CASE("Series and hosts go stale after 5 intervals", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());  // interval 1s -> staleness 5s
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 1), &f.stream).ok());
  f.clock.Advance(absl::Seconds(4));
  CHECK_THAT(Export(f.store), Catch::Contains("node_load1"));
  f.store.Detach(&f.stream);
  CHECK(f.store.connected_streams() == 0);
  f.clock.Advance(absl::Seconds(2));
  CHECK(Export(f.store).empty());
  CHECK(f.store.host_count() == 0);
}

TEST_CASE("ExpireHosts drops stale hosts without an exposition", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());  // staleness 5s
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 1), &f.stream).ok());
  f.store.Detach(&f.stream);
  f.clock.Advance(absl::Seconds(5));
  f.store.ExpireHosts();
  CHECK(f.store.host_count() == 1);  // not past its staleness yet
  CHECK(f.store.stored_series() == 2);
  f.clock.Advance(absl::Seconds(1));
  f.store.ExpireHosts();
  CHECK(f.store.host_count() == 0);
  CHECK(f.store.stored_series() == 0);
}

TEST_CASE("A connected host keeps fresh series while stale ones vanish", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 1), &f.stream).ok());
  for (int i = 2; i < 10; ++i) {
    f.clock.Advance(absl::Seconds(1));
    REQUIRE(f.store.Apply(ValuesBatch(i, i * 1000, i), &f.stream).ok());
  }
  std::string out = Export(f.store);
  CHECK_THAT(out, Catch::Contains("node_load1{instance=\"h\",job=\"node\"} 9"));
  CHECK_THAT(out, !Catch::Contains("node_cpu_seconds_total"));
  CHECK(f.store.host_count() == 1);
}

TEST_CASE("Values land in their own series after expositions dropped and sorted series",
          "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 1), &f.stream).ok());
  for (int i = 2; i < 8; ++i) {  // series 20 goes stale (5 intervals of 1 s)
    f.clock.Advance(absl::Seconds(1));
    REQUIRE(f.store.Apply(ValuesBatch(i, i * 1000, i), &f.stream).ok());
  }
  CHECK_THAT(Export(f.store), !Catch::Contains("node_cpu_seconds_total"));  // dropped
  // Series 20 returns and series 30 {cpu="0",mode="system"} is new: both are sorted in ahead of
  // node_load1, which moves; every value must still reach its own series.
  pb::Batch b;
  b.set_sequence(8);
  b.set_timestamp_ms(8000);
  auto* s30 = b.add_series_defs();
  s30->set_ref(30);
  s30->set_family_ref(2);
  auto* l = s30->add_labels();
  l->set_name("cpu");
  l->set_value("0");
  l = s30->add_labels();
  l->set_name("mode");
  l->set_value("system");
  for (auto [ref, value] : {std::pair<uint32_t, double>{10, 8}, {20, 20}, {30, 30}}) {
    b.add_series_refs(ref);
    b.add_values(value);
  }
  REQUIRE(f.store.Apply(b, &f.stream).ok());
  Export(f.store);  // sorts them in
  for (int i = 9; i < 11; ++i) {
    pb::Batch v;
    v.set_sequence(i);
    v.set_timestamp_ms(i * 1000);
    for (auto [ref, value] :
         {std::pair<uint32_t, double>{30, 300 + i}, {10, 100 + i}, {20, 200 + i}}) {
      v.add_series_refs(ref);
      v.add_values(value);
    }
    REQUIRE(f.store.Apply(v, &f.stream).ok());
    std::string out = Export(f.store);
    CHECK_THAT(out,
               Catch::Contains(absl::StrCat("node_load1{instance=\"h\",job=\"node\"} ", 100 + i)));
    CHECK_THAT(out,
               Catch::Contains(absl::StrCat(
                   "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",instance=\"h\",job=\"node\"} ",
                   200 + i)));
    CHECK_THAT(out,
               Catch::Contains(absl::StrCat(
                   "node_cpu_seconds_total{cpu=\"0\",mode=\"system\",instance=\"h\",job=\"node\"} ",
                   300 + i)));
  }
  CHECK(f.store.stored_series() == 3);
}

TEST_CASE("Invalid hellos are rejected with the field named", "[collector][store][validation]") {
  Fixture f;
  auto reason = [&](const pb::Hello& h) {
    StreamState s;
    absl::Status st = f.store.Attach(h, &s);
    REQUIRE_FALSE(st.ok());
    CHECK_FALSE(s.attached);
    return std::string(st.message());
  };
  CHECK_THAT(reason(MakeHello("")), Catch::Contains("hello.host_name"));
  CHECK_THAT(reason(MakeHello("bad\nname")), Catch::Contains("hello.host_name"));
  CHECK_THAT(reason(MakeHello(std::string("\xff\xfe", 2))), Catch::Contains("hello.host_name"));
  CHECK_THAT(reason(MakeHello("h", 0)), Catch::Contains("hello.epoch"));
  pb::Hello h = MakeHello("h");
  auto* l = h.add_static_labels();
  l->set_name("instance");
  l->set_value("x");
  CHECK_THAT(reason(h), Catch::Contains("hello.static_labels[0]"));
  h = MakeHello("h");
  l = h.add_static_labels();
  l->set_name("bad-name");
  CHECK_THAT(reason(h), Catch::Contains("label name \"bad-name\" is not valid"));
  CHECK(f.store.connected_streams() == 0);
}

TEST_CASE("Invalid batches are rejected whole, naming the field",
          "[collector][store][validation]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  auto reason = [&](const pb::Batch& b) {
    auto r = f.store.Apply(b, &f.stream);
    REQUIRE_FALSE(r.ok());
    return std::string(r.status().message());
  };
  pb::Batch b = FirstBatch(1, 1000, 1, 1);
  SECTION("sequence 0") {
    b.set_sequence(0);
    CHECK_THAT(reason(b), Catch::Contains("batch.sequence"));
  }
  SECTION("bad metric name") {
    b.mutable_family_defs(0)->set_name("node load");
    CHECK_THAT(reason(b), Catch::Contains("batch.family_defs[0]: invalid metric name"));
  }
  SECTION("reserved prefix") {
    b.mutable_family_defs(0)->set_name("hostmon_collector_connected_agents");
    CHECK_THAT(reason(b), Catch::Contains("reserved"));
  }
  SECTION("rule engine family") {
    b.mutable_family_defs(0)->set_name("hostmon_alerts");
    CHECK_THAT(reason(b), Catch::Contains("reserved"));
  }
  SECTION("unspecified type") {
    b.mutable_family_defs(1)->set_type(pb::METRIC_TYPE_UNSPECIFIED);
    CHECK_THAT(reason(b), Catch::Contains("batch.family_defs[1]: invalid metric type"));
  }
  SECTION("unknown family ref") {
    b.mutable_series_defs(0)->set_family_ref(77);
    CHECK_THAT(reason(b), Catch::Contains("batch.series_defs[0]: unknown family_ref 77"));
  }
  SECTION("duplicate label") {
    b.mutable_series_defs(1)->mutable_labels(1)->set_name("cpu");
    CHECK_THAT(reason(b), Catch::Contains("duplicate label \"cpu\""));
  }
  SECTION("label value not UTF-8") {
    b.mutable_series_defs(1)->mutable_labels(0)->set_value("\xc3");
    CHECK_THAT(reason(b), Catch::Contains("series_defs[1].labels[0]"));
  }
  SECTION("refs and values differ in length") {
    b.add_values(3);
    CHECK_THAT(reason(b), Catch::Contains("2 series_refs but 3 values"));
  }
  SECTION("unknown series ref") {
    b.set_series_refs(1, 12345);
    CHECK_THAT(reason(b), Catch::Contains("batch.series_refs[1]: unknown series ref 12345"));
  }
  SECTION("timestamp offsets of the wrong length") {
    b.add_sample_timestamp_offsets_ms(5);
    CHECK_THAT(reason(b), Catch::Contains("sample_timestamp_offsets_ms"));
  }
  // Nothing of a rejected batch was applied.
  CHECK(Export(f.store).empty());
}

TEST_CASE("Series labels the collector sets, or in another order, are rejected naming the series",
          "[collector][store][validation]") {
  testing::FakeClock clock;
  HostStoreOptions opts;
  opts.allowed_static_labels = {"dc"};
  HostStore store(opts, &clock);
  StreamState stream;
  pb::Hello h = MakeHello("h");
  auto* sl = h.add_static_labels();
  sl->set_name("dc");
  sl->set_value("fra1");
  REQUIRE(store.Attach(h, &stream).ok());
  auto reason = [&](const pb::Batch& b) {
    auto r = store.Apply(b, &stream);
    REQUIRE_FALSE(r.ok());
    CHECK(absl::IsInvalidArgument(r.status()));
    return std::string(r.status().message());
  };
  pb::Batch b = FirstBatch(1, 1000, 1, 1);
  SECTION("instance") {
    b.mutable_series_defs(1)->mutable_labels(0)->set_name("instance");
    CHECK_THAT(reason(b),
               Catch::Contains("series_defs[1].labels[0]: label \"instance\" is reserved"));
  }
  SECTION("job") {
    b.mutable_series_defs(1)->mutable_labels(0)->set_name("job");
    CHECK_THAT(reason(b), Catch::Contains("label \"job\" is reserved"));
  }
  SECTION("alertstate") {
    b.mutable_series_defs(1)->mutable_labels(0)->set_name("alertstate");
    CHECK_THAT(reason(b), Catch::Contains("label \"alertstate\" is reserved"));
  }
  SECTION("a static label of the host") {
    b.mutable_series_defs(1)->mutable_labels(0)->set_name("dc");
    CHECK_THAT(reason(b), Catch::Contains("static label of the host"));
  }
  SECTION("not sorted") {
    b.mutable_series_defs(1)->mutable_labels(0)->set_name("zone");
    std::string r = reason(b);
    CHECK_THAT(r, Catch::Contains("series_defs[1].labels[1]: labels are not sorted"));
    CHECK_THAT(r, Catch::Contains("(series node_cpu_seconds_total{zone=\"0\",mode=\"idle\"})"));
  }
  SECTION("one series defined twice in a batch") {
    auto* d = b.add_series_defs();
    *d = b.series_defs(1);
    d->set_ref(21);
    CHECK_THAT(reason(b),
               Catch::Contains("batch.series_defs[2]: duplicate series definition of "
                               "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} (also series ref "
                               "20)"));
  }
  SECTION("one ref defined as two series in a batch") {
    auto* d = b.add_series_defs();
    d->set_ref(20);
    d->set_family_ref(1);
    CHECK_THAT(reason(b), Catch::Contains("series ref 20 defined twice in one batch"));
  }
  std::string out;
  store.WriteExposition(&out);
  CHECK(out.empty());
}

TEST_CASE("A series defined again under another ref in a later batch stays one series",
          "[collector][store]") {
  // A replayed batch of an earlier agent process defines its own refs for series the live
  // stream already defined: both refs name one series, exported once.
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1, 1), &f.stream).ok());
  pb::Batch b;
  b.set_sequence(2);
  b.set_timestamp_ms(2000);
  auto* d = b.add_series_defs();
  d->set_ref(99);
  d->set_family_ref(1);
  b.add_series_refs(99);
  b.add_values(3);
  REQUIRE(f.store.Apply(b, &f.stream).ok());
  std::string out = Export(f.store);
  CHECK_THAT(out, Catch::Contains("node_load1{instance=\"h\",job=\"node\"} 3\n"));
  CHECK(out.find("node_load1{") == out.rfind("node_load1{"));
}

TEST_CASE("Static labels follow the collector's policy", "[collector][store][validation]") {
  testing::FakeClock clock;
  auto attach = [&](const HostStoreOptions& opts, const std::string& name) {
    HostStore store(opts, &clock);
    StreamState s;
    pb::Hello h = MakeHello("h");
    auto* l = h.add_static_labels();
    l->set_name(name);
    l->set_value("x");
    return store.Attach(h, &s);
  };
  HostStoreOptions by_default;
  CHECK(attach(by_default, "dc").ok());
  CHECK_THAT(std::string(attach(by_default, "job").message()),
             Catch::Contains("hello.static_labels[0]: label \"job\" is not allowed"));
  for (const char* reserved : {"alertstate", "alertname", "severity", "rule", "instance"}) {
    INFO(reserved);
    absl::Status s = attach(by_default, reserved);
    CHECK(absl::IsInvalidArgument(s));
    CHECK_THAT(std::string(s.message()), Catch::Contains(std::string("\"") + reserved + "\""));
  }
  HostStoreOptions listed;
  listed.allowed_static_labels = {"job", "severity"};  // reserved names stay refused
  CHECK(attach(listed, "job").ok());
  CHECK_THAT(std::string(attach(listed, "dc").message()),
             Catch::Contains("not in the collector's hosts.allowed_static_labels"));
  CHECK_THAT(std::string(attach(listed, "severity").message()), Catch::Contains("is reserved"));
}

TEST_CASE("A host cannot exceed its series limit", "[collector][store][validation]") {
  testing::FakeClock clock;
  HostStoreOptions opts;
  opts.max_series_per_host = 1;
  HostStore store(opts, &clock);
  StreamState s;
  REQUIRE(store.Attach(MakeHello("h"), &s).ok());
  auto r = store.Apply(FirstBatch(1, 1000, 1, 1), &s);
  REQUIRE_FALSE(r.ok());
  CHECK(absl::IsResourceExhausted(r.status()));
}

TEST_CASE("Per-sample timestamp offsets order replayed samples", "[collector][store]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  pb::Batch b = FirstBatch(1, 10000, 1.0, 1);
  b.add_sample_timestamp_offsets_ms(0);
  b.add_sample_timestamp_offsets_ms(0);
  REQUIRE(f.store.Apply(b, &f.stream).ok());
  pb::Batch older = ValuesBatch(2, 10000, 7.0);
  older.add_sample_timestamp_offsets_ms(-500);  // sampled before the value already stored
  REQUIRE(f.store.Apply(older, &f.stream).ok());
  CHECK_THAT(Export(f.store), Catch::Contains("node_load1{instance=\"h\",job=\"node\"} 1\n"));
}

TEST_CASE("SequenceTracker tracks out-of-order sequences", "[collector][store]") {
  SequenceTracker t;
  CHECK(t.MarkApplied(3));
  CHECK(t.MarkApplied(1));
  CHECK_FALSE(t.MarkApplied(3));
  CHECK_FALSE(t.MarkApplied(1));
  CHECK(t.MarkApplied(2));
  CHECK(t.Seen(2));
  CHECK_FALSE(t.Seen(4));
}

struct RecordingObserver : BatchObserver {
  std::vector<std::string> log;
  void OnBatch(const AppliedBatch& b) override {
    std::string line = absl::StrCat(b.host, " seq=", b.sequence, b.replayed ? " replayed" : "");
    for (const AppliedSample& s : b.samples) {
      absl::StrAppend(&line, " ", *s.family, "@", s.timestamp_ms, "=", s.value);
    }
    log.push_back(line);
  }
  void OnHostEvent(absl::string_view host, const LabelPairs& labels, HostEvent e,
                   absl::Time) override {
    log.push_back(absl::StrCat(host, " ", HostEventName(e), " labels=", labels.size()));
  }
};

TEST_CASE("Observers see each applied batch once and every stream's end", "[collector][store]") {
  Fixture f;
  RecordingObserver obs;
  f.store.AddObserver(&obs);
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 7), &f.stream).ok());
  pb::Batch replay = ValuesBatch(2, 500, 2.0);
  replay.set_replayed(true);
  REQUIRE(f.store.Apply(replay, &f.stream).ok());
  REQUIRE(f.store.Apply(ValuesBatch(2, 500, 2.0), &f.stream)->duplicate);  // not observed
  f.stream.goodbye = true;
  f.store.Detach(&f.stream);
  StreamState s2;
  REQUIRE(f.store.Attach(MakeHello("h"), &s2).ok());
  f.store.Detach(&s2);
  StreamState s3;
  REQUIRE(f.store.Attach(MakeHello("h"), &s3).ok());
  s3.drained = true;
  f.store.Detach(&s3);
  CHECK(obs.log == std::vector<std::string>{
                       "h connected labels=2",
                       "h seq=1 node_load1@1000=1 node_cpu_seconds_total@1000=7",
                       "h seq=2 replayed node_load1@500=2",
                       "h goodbye labels=2",
                       "h connected labels=2",
                       "h stream_lost labels=2",
                       "h connected labels=2",
                       "h drained labels=2",
                   });
}

std::string ExportHost(HostStore& store, const std::string& instance, absl::StatusCode* code) {
  std::string out;
  *code = store.WriteHostExposition(instance, &out).code();
  return out;
}

TEST_CASE("Per-host exposition: that host's series only, 404 unknown, 503 stale and gone",
          "[collector][store][targets]") {
  HostStoreOptions options;
  options.gone_retention = absl::Seconds(60);
  testing::FakeClock clock;
  HostStore store(options, &clock);
  StreamState a, b;
  pb::Hello hello_a = MakeHello("web-1");
  hello_a.set_agent_version("1.2.3");
  REQUIRE(store.Attach(hello_a, &a).ok());
  REQUIRE(store.Attach(MakeHello("db/../1"), &b).ok());
  REQUIRE(store.Apply(FirstBatch(1, 1000, 0.5, 12.25), &a).ok());
  REQUIRE(store.Apply(FirstBatch(1, 1000, 7, 8), &b).ok());

  absl::StatusCode code;
  // The same exposition as /metrics, filtered to the host.
  CHECK(ExportHost(store, "web-1", &code) ==
        "# TYPE node_cpu_seconds_total counter\n"
        "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",instance=\"web-1\",job=\"node\"} 12.25\n"
        "# HELP node_load1 1m load average.\n"
        "# TYPE node_load1 gauge\n"
        "node_load1{instance=\"web-1\",job=\"node\"} 0.5\n");
  CHECK(code == absl::StatusCode::kOk);
  std::string other = ExportHost(store, "db/../1", &code);
  CHECK(code == absl::StatusCode::kOk);
  CHECK_THAT(other, Catch::Contains("node_load1{instance=\"db/../1\",job=\"node\"} 7\n"));
  CHECK_THAT(other, !Catch::Contains("web-1"));
  CHECK(ExportHost(store, "nobody", &code).empty());
  CHECK(code == absl::StatusCode::kNotFound);
  CHECK(ExportHost(store, "db", &code).empty());
  CHECK(code == absl::StatusCode::kNotFound);

  std::vector<HostSummary> hosts = store.Hosts();
  REQUIRE(hosts.size() == 2);
  CHECK(hosts[0].instance == "db/../1");
  CHECK(hosts[1].instance == "web-1");
  CHECK(hosts[1].state == HostState::kConnected);
  CHECK(hosts[1].agent_version == "1.2.3");
  CHECK(hosts[1].last_batch == clock.Now());
  CHECK_FALSE(hosts[1].spool_pending_batches.has_value());
  CHECK(hosts[1].labels ==
        std::vector<std::pair<std::string, std::string>>{{"instance", "web-1"}, {"job", "node"}});

  // The agent of web-1 dies: stale at once (503), its series still on /metrics until staleness.
  store.Detach(&a);
  CHECK(ExportHost(store, "web-1", &code).empty());
  CHECK(code == absl::StatusCode::kUnavailable);
  CHECK(store.Hosts()[1].state == HostState::kStale);
  CHECK_THAT(Export(store), Catch::Contains("node_load1{instance=\"web-1\""));
  // db keeps sending; web-1 passes its staleness period (5 x 1 s): gone, still 503 and listed.
  clock.Advance(absl::Seconds(6));
  REQUIRE(store.Apply(ValuesBatch(2, 7000, 9), &b).ok());
  CHECK_THAT(Export(store), !Catch::Contains("web-1"));
  ExportHost(store, "web-1", &code);
  CHECK(code == absl::StatusCode::kUnavailable);
  hosts = store.Hosts();
  REQUIRE(hosts.size() == 2);
  CHECK(hosts[1].state == HostState::kGone);
  CHECK(hosts[1].agent_version == "1.2.3");
  CHECK(hosts[0].state == HostState::kConnected);
  // Past gone_retention it is forgotten: 404 and no longer listed.
  clock.Advance(absl::Seconds(60));
  REQUIRE(store.Apply(ValuesBatch(3, 67000, 9), &b).ok());
  ExportHost(store, "web-1", &code);
  CHECK(code == absl::StatusCode::kNotFound);
  REQUIRE(store.Hosts().size() == 1);
}

TEST_CASE("A connected but silent host is stale, and a gone host that returns is connected",
          "[collector][store][targets]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  REQUIRE(f.store.Apply(FirstBatch(1, 1000, 1.0, 1), &f.stream).ok());
  f.clock.Advance(absl::Seconds(6));
  CHECK(f.store.Hosts().at(0).state == HostState::kStale);
  absl::StatusCode code;
  ExportHost(f.store, "h", &code);
  CHECK(code == absl::StatusCode::kUnavailable);
  f.store.Detach(&f.stream);
  CHECK(f.store.Hosts().at(0).state == HostState::kGone);
  StreamState s2;
  REQUIRE(f.store.Attach(MakeHello("h"), &s2).ok());
  REQUIRE(f.store.Hosts().size() == 1);
  CHECK(f.store.Hosts().at(0).state == HostState::kConnected);
  ExportHost(f.store, "h", &code);
  CHECK(code == absl::StatusCode::kOk);
}

TEST_CASE("Host summaries carry the agent's spool backlog when it reports one",
          "[collector][store][targets]") {
  Fixture f;
  REQUIRE(f.store.Attach(MakeHello("h"), &f.stream).ok());
  pb::Batch b = FirstBatch(1, 1000, 1.0, 1);
  auto* fam = b.add_family_defs();
  fam->set_ref(3);
  fam->set_name("hostmon_agent_spool_pending_batches");
  fam->set_type(pb::METRIC_TYPE_GAUGE);
  auto* s = b.add_series_defs();
  s->set_ref(30);
  s->set_family_ref(3);
  b.add_series_refs(30);
  b.add_values(42);
  REQUIRE(f.store.Apply(b, &f.stream).ok());
  REQUIRE(f.store.Hosts().at(0).spool_pending_batches.has_value());
  CHECK(*f.store.Hosts().at(0).spool_pending_batches == 42);
}

TEST_CASE("Gone hosts are remembered up to a bound", "[collector][store][targets]") {
  HostStoreOptions options;
  options.max_gone_hosts = 3;
  testing::FakeClock clock;
  HostStore store(options, &clock);
  for (int i = 0; i < 6; ++i) {
    StreamState s;
    REQUIRE(store.Attach(MakeHello(absl::StrCat("h", i)), &s).ok());
    store.Detach(&s);
    clock.Advance(absl::Seconds(1));
  }
  clock.Advance(absl::Seconds(10));
  std::vector<HostSummary> hosts = store.Hosts();
  REQUIRE(hosts.size() == 3);
  CHECK(hosts[0].instance == "h3");  // the oldest went first
  CHECK(hosts[2].instance == "h5");
}

}  // namespace
}  // namespace hostmon::collector
