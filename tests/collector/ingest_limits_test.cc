// SPDX-License-Identifier: Apache-2.0
//
// HostStore limits: series definitions and stored series per host and in total, host names in
// total and per client, the timestamp window, and two streams of one host. A refused batch
// leaves no trace and its re-send is refused again (never acknowledged as a duplicate).
#include <catch2/catch.hpp>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "collector/host_store.h"
#include "fakes/fake_clock.h"

namespace hostmon::collector {
namespace {

namespace pb = ::hostmon::ingest::v1;

pb::Hello Hello(const std::string& host, uint64_t epoch = 42) {
  pb::Hello h;
  h.set_host_name(host);
  h.set_epoch(epoch);
  h.set_collection_interval_ms(1000);
  return h;
}

// Family 1 (g, gauge) and series refs first..first+n-1 {i="<ref>"}; samples for the refs in
// `sampled` (value = ref), stamped `ts_ms`.
pb::Batch Defs(uint64_t seq, int64_t ts_ms, uint32_t first, uint32_t n,
               const std::vector<uint32_t>& sampled, bool family = true) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts_ms);
  if (family) {
    auto* f = b.add_family_defs();
    f->set_ref(1);
    f->set_name("g");
    f->set_type(pb::METRIC_TYPE_GAUGE);
  }
  for (uint32_t r = first; r < first + n; ++r) {
    auto* s = b.add_series_defs();
    s->set_ref(r);
    s->set_family_ref(1);
    auto* l = s->add_labels();
    l->set_name("i");
    l->set_value(absl::StrCat(r));
  }
  for (uint32_t r : sampled) {
    b.add_series_refs(r);
    b.add_values(r);
  }
  return b;
}

pb::Batch Values(uint64_t seq, int64_t ts_ms, const std::vector<std::pair<uint32_t, double>>& v) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts_ms);
  for (const auto& [ref, value] : v) {
    b.add_series_refs(ref);
    b.add_values(value);
  }
  return b;
}

std::string Export(HostStore& store) {
  std::string out;
  store.WriteExposition(&out);
  return out;
}

constexpr int64_t kNowMs = 1700000000000;  // FakeClock's start

TEST_CASE("Series definitions without samples count against the per-host limit",
          "[collector][store][limits]") {
  testing::FakeClock clock;
  HostStoreOptions o;
  o.max_series_per_host = 3;
  HostStore store(o, &clock);
  StreamState s;
  REQUIRE(store.Attach(Hello("h"), &s).ok());
  REQUIRE(store.Apply(Defs(1, kNowMs, 1, 3, {}), &s).ok());
  CHECK(store.defined_series() == 3);
  auto r = store.Apply(Defs(2, kNowMs, 4, 1, {}, false), &s);
  REQUIRE(absl::IsResourceExhausted(r.status()));
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("hosts.max_series_per_host"));
  CHECK(store.defined_series() == 3);
  // Redefining a ref the stream has is no new series.
  CHECK(store.Apply(Defs(3, kNowMs, 1, 3, {1, 2, 3}), &s).ok());
  store.Detach(&s);
  CHECK(store.defined_series() == 0);
}

TEST_CASE("A batch over the series limit is refused whole and its re-send is refused again",
          "[collector][store][limits]") {
  testing::FakeClock clock;
  HostStoreOptions o;
  o.max_series_per_host = 2;
  HostStore store(o, &clock);
  StreamState s;
  REQUIRE(store.Attach(Hello("h"), &s).ok());
  REQUIRE(store.Apply(Defs(1, kNowMs, 1, 2, {1, 2}), &s).ok());
  const std::string before = Export(store);
  // Updates series 1 first, then would add a third series: nothing of it may stick.
  pb::Batch over = Defs(2, kNowMs + 1000, 3, 1, {}, false);
  over.add_series_refs(1);
  over.add_values(100);
  over.add_series_refs(3);
  over.add_values(3);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto r = store.Apply(over, &s);
    REQUIRE(absl::IsResourceExhausted(r.status()));  // never OK, never a duplicate
    CHECK(Export(store) == before);
    CHECK(store.defined_series() == 2);
    CHECK(store.stored_series() == 2);
  }
  CHECK_THAT(before, Catch::Contains("g{i=\"1\",instance=\"h\",job=\"node\"} 1\n"));
  // The stream goes on with what fits.
  REQUIRE(store.Apply(Values(3, kNowMs + 2000, {{1, 5}}), &s).ok());
  CHECK_THAT(Export(store), Catch::Contains("g{i=\"1\",instance=\"h\",job=\"node\"} 5\n"));
}

TEST_CASE("The total series limit counts all hosts' definitions and stored series",
          "[collector][store][limits]") {
  testing::FakeClock clock;
  HostStoreOptions o;
  o.max_series_total = 3;
  HostStore store(o, &clock);
  StreamState a, b;
  REQUIRE(store.Attach(Hello("a"), &a).ok());
  REQUIRE(store.Attach(Hello("b"), &b).ok());
  REQUIRE(store.Apply(Defs(1, kNowMs, 1, 2, {1, 2}), &a).ok());
  // Two more definitions would make 4 defined in total.
  auto r = store.Apply(Defs(1, kNowMs, 1, 2, {}), &b);
  REQUIRE(absl::IsResourceExhausted(r.status()));
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("hosts.max_series_total"));
  // a's stream ends: its definitions go, its stored series stay until stale.
  store.Detach(&a);
  CHECK(store.defined_series() == 0);
  r = store.Apply(Defs(1, kNowMs, 1, 2, {1, 2}), &b);
  REQUIRE(absl::IsResourceExhausted(r.status()));
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("would store more than 3"));
  CHECK(store.defined_series() == 0);
  clock.Advance(absl::Seconds(6));  // a is stale after 5 x 1s and leaves
  Export(store);
  CHECK(store.stored_series() == 0);
  CHECK(store.Apply(Defs(1, kNowMs + 6000, 1, 2, {1, 2}), &b).ok());
  CHECK(store.stored_series() == 2);
}

TEST_CASE("Host names are limited in total and per client", "[collector][store][limits]") {
  testing::FakeClock clock;
  HostStoreOptions o;
  o.max_hosts = 3;
  o.max_hosts_per_client = 2;
  HostStore store(o, &clock);
  std::vector<std::unique_ptr<StreamState>> streams;
  auto attach = [&](const std::string& host, const std::string& client) {
    streams.push_back(std::make_unique<StreamState>());
    streams.back()->client = client;
    return store.Attach(Hello(host), streams.back().get());
  };
  REQUIRE(attach("h1", "ipv4:10.0.0.1").ok());
  REQUIRE(attach("h2", "ipv4:10.0.0.1").ok());
  absl::Status s = attach("h3", "ipv4:10.0.0.1");
  CHECK(absl::IsResourceExhausted(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("hosts.max_hosts_per_client"));
  CHECK(attach("h1", "ipv4:10.0.0.1").ok());  // a name it holds: always
  REQUIRE(attach("h3", "ipv4:10.0.0.2").ok());
  s = attach("h4", "ipv4:10.0.0.3");
  CHECK(absl::IsResourceExhausted(s));
  CHECK_THAT(std::string(s.message()), Catch::Contains("hosts.max_hosts"));
  CHECK(store.host_count() == 3);
  // Hosts that went away free their place, also before anything looked at the store.
  for (auto& st : streams) store.Detach(st.get());
  clock.Advance(absl::Seconds(6));
  CHECK(attach("h4", "ipv4:10.0.0.3").ok());
  CHECK(attach("h5", "ipv4:10.0.0.1").ok());
  CHECK(store.host_count() == 2);
}

TEST_CASE("Timestamps outside the window are rejected, the definitions stay",
          "[collector][store][limits]") {
  testing::FakeClock clock;
  HostStoreOptions o;
  o.max_timestamp_age = absl::Hours(1);
  HostStore store(o, &clock);
  StreamState s;
  REQUIRE(store.Attach(Hello("h"), &s).ok());
  const int64_t ten_years = int64_t{10} * 365 * 24 * 3600 * 1000;
  struct Case {
    const char* name;
    int64_t ts;
    std::vector<int64_t> offsets;
    const char* reason;
  };
  const Case cases[] = {
      {"10 years ahead", kNowMs + ten_years, {}, "ahead of the collector's clock"},
      {"11 min ahead", kNowMs + 11 * 60000, {}, "more than 10m ahead"},
      {"2h behind", kNowMs - 2 * 3600000, {}, "behind the collector's clock"},
      {"offset into the future", kNowMs, {0, 3600000}, "ahead"},
      {"INT64_MAX", INT64_MAX, {}, "ahead"},
      {"INT64_MIN", INT64_MIN, {}, "behind"},
      {"INT64_MAX + offset overflows", INT64_MAX, {1, 0}, "overflows"},
      {"INT64_MIN + offset overflows", INT64_MIN, {-1, 0}, "overflows"},
  };
  uint64_t seq = 0;
  for (const Case& c : cases) {
    SECTION(c.name) {
      pb::Batch b = Defs(++seq, c.ts, 1, 2, {1, 2});
      for (int64_t off : c.offsets) b.add_sample_timestamp_offsets_ms(off);
      auto r = store.Apply(b, &s);
      REQUIRE(absl::IsOutOfRange(r.status()));
      CHECK_THAT(std::string(r.status().message()), Catch::Contains(c.reason));
      CHECK(Export(store).empty());
      // Not marked applied: the same sequence with good timestamps is applied, not a duplicate.
      pb::Batch good = Values(b.sequence(), kNowMs, {{1, 7}});
      auto g = store.Apply(good, &s);
      REQUIRE(g.ok());
      CHECK_FALSE(g->duplicate);
      CHECK_THAT(Export(store), Catch::Contains("g{i=\"1\",instance=\"h\",job=\"node\"} 7\n"));
    }
  }
}

TEST_CASE("Without an age bound, old timestamps pass but not those before the epoch",
          "[collector][store][limits]") {
  testing::FakeClock clock;
  HostStore store(HostStoreOptions{}, &clock);
  StreamState s;
  REQUIRE(store.Attach(Hello("h"), &s).ok());
  CHECK(store.Apply(Defs(1, kNowMs - int64_t{72} * 3600000, 1, 1, {1}), &s).ok());
  auto r = store.Apply(Values(2, -1, {{1, 1}}), &s);
  REQUIRE(absl::IsOutOfRange(r.status()));
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("before the Unix epoch"));
  CHECK(store.Apply(Values(3, kNowMs + 9 * 60000, {{1, 2}}), &s).ok());
}

TEST_CASE("Two streams of one host: the newest wins, the older one's batches are not applied",
          "[collector][store][limits]") {
  testing::FakeClock clock;
  HostStore store(HostStoreOptions{}, &clock);
  StreamState a, b;
  a.client = "ipv4:10.0.0.1";
  b.client = "ipv4:10.0.0.2";
  REQUIRE(store.Attach(Hello("h", 7), &a).ok());
  CHECK(a.superseded_stream == 0);
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    REQUIRE(store.Apply(seq == 1 ? Defs(1, kNowMs, 1, 1, {1}) : Values(seq, kNowMs, {{1, 1}}), &a)
                .ok());
  }
  // Same host, same epoch, while a is still attached.
  REQUIRE(store.Attach(Hello("h", 7), &b).ok());
  CHECK(b.superseded_stream == a.id);
  // b's batches re-use a's sequence numbers with other content: applied, so an ack is true.
  auto r = store.Apply(Defs(1, kNowMs + 1000, 1, 1, {1}), &b);
  REQUIRE(r.ok());
  CHECK_FALSE(r->duplicate);
  CHECK(r->samples == 1);
  CHECK_THAT(Export(store), Catch::Contains("g{i=\"1\",instance=\"h\",job=\"node\"} 1\n"));
  r = store.Apply(Values(2, kNowMs + 2000, {{1, 22}}), &b);
  REQUIRE(r.ok());
  CHECK_FALSE(r->duplicate);
  CHECK_THAT(Export(store), Catch::Contains("g{i=\"1\",instance=\"h\",job=\"node\"} 22\n"));
  // A true re-send (same content) is a duplicate.
  r = store.Apply(Values(2, kNowMs + 2000, {{1, 22}}), &b);
  REQUIRE(r.ok());
  CHECK(r->duplicate);
  // The superseded stream: refused (Aborted), nothing applied, its sequence not marked.
  auto old = store.Apply(Values(4, kNowMs + 3000, {{1, 99}}), &a);
  REQUIRE(absl::IsAborted(old.status()));
  CHECK_THAT(std::string(old.status().message()), Catch::Contains("newer stream"));
  CHECK_THAT(Export(store), Catch::Contains("} 22\n"));
  r = store.Apply(Values(4, kNowMs + 3000, {{1, 4}}), &b);
  REQUIRE(r.ok());
  CHECK_FALSE(r->duplicate);
  // The older stream ending leaves the newer one attached and active.
  store.Detach(&a);
  CHECK(store.connected_streams() == 1);
  CHECK(store.Apply(Values(5, kNowMs + 4000, {{1, 5}}), &b).ok());
  CHECK_THAT(Export(store), Catch::Contains("} 5\n"));
}

}  // namespace
}  // namespace hostmon::collector
