// SPDX-License-Identifier: Apache-2.0
//
// The store's exposition: exact text for a small fleet, streaming in bounded pieces, and ingest
// that goes on while a reader is slow.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "collector/host_store.h"
#include "fakes/fake_clock.h"

namespace hostmon::collector {
namespace {

namespace pb = ::hostmon::ingest::v1;

pb::Hello Hello(const std::string& host) {
  pb::Hello h;
  h.set_host_name(host);
  h.set_epoch(7);
  h.set_collection_interval_ms(1000);
  return h;
}

struct SeriesSpec {
  std::string family;
  pb::MetricType type;
  std::string help;
  std::vector<std::pair<std::string, std::string>> labels;
  double value;
};

// One batch defining every family and series of `specs`, with their values.
pb::Batch Define(uint64_t seq, int64_t ts, const std::vector<SeriesSpec>& specs) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts);
  std::map<std::string, uint32_t> families;
  uint32_t ref = 0;
  for (const SeriesSpec& s : specs) {
    auto [it, added] = families.emplace(s.family, static_cast<uint32_t>(families.size() + 1));
    if (added) {
      auto* f = b.add_family_defs();
      f->set_ref(it->second);
      f->set_name(s.family);
      f->set_type(s.type);
      f->set_help(s.help);
    }
    auto* d = b.add_series_defs();
    d->set_ref(++ref);
    d->set_family_ref(it->second);
    for (const auto& [k, v] : s.labels) {
      auto* l = d->add_labels();
      l->set_name(k);
      l->set_value(v);
    }
    b.add_series_refs(ref);
    b.add_values(s.value);
  }
  return b;
}

// Values for refs 1..n of an earlier Define.
pb::Batch Values(uint64_t seq, int64_t ts, int n, double value) {
  pb::Batch b;
  b.set_sequence(seq);
  b.set_timestamp_ms(ts);
  for (int i = 1; i <= n; ++i) {
    b.add_series_refs(static_cast<uint32_t>(i));
    b.add_values(value);
  }
  return b;
}

TEST_CASE("The exposition of a fleet: families merged, hosts and series in order",
          "[collector][store][exposition]") {
  testing::FakeClock clock;
  HostStore store(HostStoreOptions{}, &clock);
  StreamState a, b, c;
  REQUIRE(store.Attach(Hello("web-2"), &b).ok());
  REQUIRE(store.Attach(Hello("web-1"), &a).ok());
  REQUIRE(store.Attach(Hello("db-1"), &c).ok());
  const auto counter = pb::METRIC_TYPE_COUNTER;
  const auto gauge = pb::METRIC_TYPE_GAUGE;
  REQUIRE(
      store
          .Apply(
              Define(
                  1, 1000,
                  {{"node_load1", gauge, "1m load average.", {}, 0.5},
                   {"node_cpu_seconds_total", counter, "", {{"cpu", "1"}, {"mode", "idle"}}, 3},
                   {"node_cpu_seconds_total", counter, "", {{"cpu", "0"}, {"mode", "idle"}}, 2}}),
              &a)
          .ok());
  REQUIRE(
      store
          .Apply(
              Define(1, 1000,
                     {{"node_cpu_seconds_total", counter, "", {{"cpu", "0"}, {"mode", "idle"}}, 7},
                      {"node_load1", gauge, "1m load average.", {}, 1.5}}),
              &b)
          .ok());
  REQUIRE(store
              .Apply(Define(1, 1000,
                            {{"node_filesystem_avail_bytes",
                              gauge,
                              "Free \"space\".\\",
                              {{"mountpoint", "/a\"b"}},
                              1e9},
                             {"node_load1", gauge, "1m load average.", {}, 0.25}}),
                     &c)
              .ok());
  const std::string expected =
      "# TYPE node_cpu_seconds_total counter\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",instance=\"web-1\",job=\"node\"} 2\n"
      "node_cpu_seconds_total{cpu=\"1\",mode=\"idle\",instance=\"web-1\",job=\"node\"} 3\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",instance=\"web-2\",job=\"node\"} 7\n"
      "# HELP node_filesystem_avail_bytes Free \"space\".\\\\\n"
      "# TYPE node_filesystem_avail_bytes gauge\n"
      "node_filesystem_avail_bytes{mountpoint=\"/a\\\"b\",instance=\"db-1\",job=\"node\"} 1e+09\n"
      "# HELP node_load1 1m load average.\n"
      "# TYPE node_load1 gauge\n"
      "node_load1{instance=\"db-1\",job=\"node\"} 0.25\n"
      "node_load1{instance=\"web-1\",job=\"node\"} 0.5\n"
      "node_load1{instance=\"web-2\",job=\"node\"} 1.5\n";
  std::string out;
  store.WriteExposition(&out);
  CHECK(out == expected);

  // Each host's own exposition holds exactly its lines of the whole, with the same headers.
  std::set<std::string> from_hosts;
  for (const char* host : {"web-1", "web-2", "db-1"}) {
    std::string one;
    REQUIRE(store.WriteHostExposition(host, &one).ok());
    for (absl::string_view line : absl::StrSplit(one, '\n', absl::SkipEmpty())) {
      from_hosts.insert(std::string(line));
    }
  }
  std::set<std::string> whole;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    whole.insert(std::string(line));
  }
  CHECK(from_hosts == whole);

  // A second exposition after new series and values: new ones sorted in, nothing repeated.
  clock.Advance(absl::Seconds(1));
  REQUIRE(
      store
          .Apply(
              Define(2, 2000,
                     {{"node_load1", gauge, "1m load average.", {}, 0.75},
                      {"node_cpu_seconds_total", counter, "", {{"cpu", "1"}, {"mode", "idle"}}, 8},
                      {"node_cpu_seconds_total", counter, "", {{"cpu", "0"}, {"mode", "idle"}}, 9},
                      {"node_boot_time_seconds", gauge, "", {}, 1}}),
              &b)
          .ok());
  out.clear();
  store.WriteExposition(&out);
  CHECK_THAT(out, Catch::StartsWith("# TYPE node_boot_time_seconds gauge\n"
                                    "node_boot_time_seconds{instance=\"web-2\",job=\"node\"} 1\n"
                                    "# TYPE node_cpu_seconds_total counter\n"));
  CHECK_THAT(
      out, Catch::Contains(
               "node_cpu_seconds_total{cpu=\"1\",mode=\"idle\",instance=\"web-1\",job=\"node\"} 3\n"
               "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",instance=\"web-2\",job=\"node\"} 9\n"
               "node_cpu_seconds_total{cpu=\"1\",mode=\"idle\",instance=\"web-2\",job=\"node\"} 8\n"
               "# HELP node_filesystem_avail_bytes"));
  CHECK_THAT(out, Catch::EndsWith("node_load1{instance=\"web-2\",job=\"node\"} 0.75\n"));
}

TEST_CASE("A host label wins over a series label of the same name",
          "[collector][store][exposition]") {
  testing::FakeClock clock;
  HostStoreOptions options;
  options.allowed_static_labels = {"dc"};
  HostStore store(options, &clock);
  StreamState s;
  REQUIRE(store.Attach(Hello("h"), &s).ok());
  REQUIRE(
      store.Apply(Define(1, 1000, {{"x", pb::METRIC_TYPE_GAUGE, "", {{"dc", "a"}}, 1}}), &s).ok());
  // The agent restarts with a static label `dc`: the stored series still carries its own.
  store.Detach(&s);
  StreamState s2;
  pb::Hello hello = Hello("h");
  auto* l = hello.add_static_labels();
  l->set_name("dc");
  l->set_value("b");
  REQUIRE(store.Attach(hello, &s2).ok());
  std::string out;
  store.WriteExposition(&out);
  CHECK(out == "# TYPE x gauge\nx{dc=\"b\",instance=\"h\",job=\"node\"} 1\n");
}

// A store with `hosts` hosts of `series` series each (families of 10 series).
struct Fleet {
  explicit Fleet(int hosts, int series) : streams(hosts) {
    std::vector<SeriesSpec> specs;
    for (int i = 0; i < series; ++i) {
      specs.push_back({absl::StrCat("family_", i / 10),
                       pb::METRIC_TYPE_GAUGE,
                       "Some help.",
                       {{"device", absl::StrCat("dev", i % 10)}},
                       1.0 * i});
    }
    for (int h = 0; h < hosts; ++h) {
      REQUIRE(store.Attach(Hello(absl::StrCat("host-", h)), &streams[h]).ok());
      REQUIRE(store.Apply(Define(1, 1000, specs), &streams[h]).ok());
    }
  }
  testing::FakeClock clock;
  HostStore store{HostStoreOptions{}, &clock};
  std::vector<StreamState> streams;
};

TEST_CASE("The exposition streams in bounded pieces and stops when asked",
          "[collector][store][exposition]") {
  Fleet fleet(50, 200);
  std::string whole;
  fleet.store.WriteExposition(&whole);
  REQUIRE(whole.size() > 4 * HostStore::kExpositionPieceBytes);
  std::string joined;
  int pieces = 0;
  CHECK(fleet.store.StreamExposition([&](absl::string_view piece) {
    // A piece ends at a line's end, at most one line past the piece size.
    CHECK(piece.size() < HostStore::kExpositionPieceBytes + 512);
    CHECK(absl::EndsWith(piece, "\n"));
    joined.append(piece.data(), piece.size());
    pieces++;
    return true;
  }));
  CHECK(joined == whole);
  CHECK(pieces > 4);
  CHECK(std::count(whole.begin(), whole.end(), '\n') == 50 * 200 + 20 * 2);

  int calls = 0;
  CHECK_FALSE(fleet.store.StreamExposition([&](absl::string_view) {
    calls++;
    return false;
  }));
  CHECK(calls == 1);
}

TEST_CASE("Batches are applied while an exposition waits for its reader",
          "[collector][store][exposition]") {
  Fleet fleet(20, 100);
  absl::Notification reading, release;
  std::thread reader([&] {
    fleet.store.StreamExposition([&](absl::string_view) {
      if (!reading.HasBeenNotified()) reading.Notify();
      // A slow client: the first piece is not taken until the test says so.
      release.WaitForNotificationWithTimeout(absl::Seconds(30));
      return true;
    });
  });
  REQUIRE(reading.WaitForNotificationWithTimeout(absl::Seconds(10)));
  // Every host takes a batch, a new host attaches and defines series, and the per-host and
  // fleet views answer: none of it waits for the reader.
  auto work = std::async(std::launch::async, [&] {
    for (int h = 0; h < 20; ++h) {
      if (!fleet.store.Apply(Values(2, 2000, 100, 42), &fleet.streams[h]).ok()) return false;
    }
    StreamState late;
    if (!fleet.store.Attach(Hello("late"), &late).ok()) return false;
    if (!fleet.store.Apply(Define(1, 2000, {{"family_0", pb::METRIC_TYPE_GAUGE, "", {}, 1}}), &late)
             .ok()) {
      return false;
    }
    std::string one;
    if (!fleet.store.WriteHostExposition("host-3", &one).ok()) return false;
    fleet.store.Detach(&late);
    return fleet.store.Hosts().size() == 21;
  });
  const bool done = work.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  release.Notify();
  reader.join();
  REQUIRE(done);
  CHECK(work.get());
}

TEST_CASE("Concurrent ingest and expositions keep every family in one block",
          "[collector][store][exposition]") {
  Fleet fleet(8, 60);
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      uint64_t seq = 2;
      while (!stop) {
        for (int h = w; h < 8; h += 2) {
          // New series now and then, so that hosts are re-sorted during the expositions.
          std::vector<SeriesSpec> specs;
          for (int i = 0; i < 60; ++i) {
            specs.push_back({absl::StrCat("family_", i / 10),
                             pb::METRIC_TYPE_GAUGE,
                             "Some help.",
                             {{"device", absl::StrCat("dev", i % 10)}},
                             1.0 * i});
          }
          specs.push_back({absl::StrCat("extra_", seq % 5),
                           pb::METRIC_TYPE_GAUGE,
                           "",
                           {{"n", absl::StrCat(seq % 3)}},
                           1});
          (void)fleet.store.Apply(Define(seq, static_cast<int64_t>(seq) * 1000, specs),
                                  &fleet.streams[h]);
          std::string one;
          (void)fleet.store.WriteHostExposition(absl::StrCat("host-", h), &one);
        }
        seq++;
      }
    });
  }
  int checked = 0;
  for (auto start = std::chrono::steady_clock::now();
       std::chrono::steady_clock::now() - start < std::chrono::milliseconds(800); ++checked) {
    std::string out;
    fleet.store.WriteExposition(&out);
    std::set<std::string> seen;
    std::string current;
    std::set<std::string> lines;
    for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      if (absl::StartsWith(line, "# HELP")) continue;
      if (absl::StartsWith(line, "# TYPE ")) {
        std::vector<std::string> parts = absl::StrSplit(line, ' ');
        current = parts[2];
        REQUIRE(seen.insert(current).second);  // each family once
        continue;
      }
      REQUIRE(absl::StartsWith(line, current + "{"));
      REQUIRE(lines.insert(std::string(line.substr(0, line.rfind(' ')))).second);  // once
    }
    CHECK(lines.size() >= 8 * 60);
  }
  stop = true;
  for (auto& t : writers) t.join();
  CHECK(checked > 0);
}

}  // namespace
}  // namespace hostmon::collector
