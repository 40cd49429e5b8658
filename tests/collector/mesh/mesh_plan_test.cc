// SPDX-License-Identifier: Apache-2.0
#include "collector/mesh/mesh_plan.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "collector/mesh/mesh_coordinator.h"

namespace hostmon::collector {
namespace {

std::vector<MeshMember> Fleet(int n, const std::string& group = "fra1") {
  std::vector<MeshMember> m;
  for (int i = 0; i < n; ++i) {
    m.push_back({"h" + std::to_string(100 + i), "10.0.0." + std::to_string(i) + ":9713", group});
  }
  return m;
}

TEST_CASE("Mesh plan: a small fleet probes every pair, never itself", "[mesh]") {
  MeshConfig c;
  c.max_peers_per_agent = 8;
  auto plans = ComputeMeshPlans(Fleet(4), c, 1);
  REQUIRE(plans.size() == 4);
  for (const auto& [host, peers] : plans) {
    CHECK(peers.size() == 3);
    for (const PlannedPeer& p : peers) {
      CHECK(p.host != host);
      CHECK(p.link_class == "intra_dc");
    }
  }
  CHECK(plans["h100"][0].address == "10.0.0.1:9713");
}

TEST_CASE("Mesh plan: a large fleet is bounded, covered and deterministic", "[mesh]") {
  MeshConfig c;
  c.max_peers_per_agent = 5;
  auto members = Fleet(50);
  auto plans = ComputeMeshPlans(members, c, 42);
  std::map<std::string, int> probed_by;
  for (const auto& [host, peers] : plans) {
    CHECK(peers.size() == 5);
    std::set<std::string> distinct;
    for (const PlannedPeer& p : peers) {
      CHECK(p.host != host);
      distinct.insert(p.host);
      ++probed_by[p.host];
    }
    CHECK(distinct.size() == 5);
  }
  // Every member is probed, by exactly as many as each one probes.
  REQUIRE(probed_by.size() == 50);
  for (const auto& [host, n] : probed_by) CHECK(n == 5);
  // Same members in another order, same seed: same plans; another seed: other plans.
  std::reverse(members.begin(), members.end());
  CHECK(ComputeMeshPlans(members, c, 42) == plans);
  CHECK(ComputeMeshPlans(members, c, 43) != plans);
}

TEST_CASE("Mesh plan: degenerate fleets", "[mesh]") {
  MeshConfig c;
  CHECK(ComputeMeshPlans({}, c, 1).empty());
  auto one = ComputeMeshPlans(Fleet(1), c, 1);
  REQUIRE(one.size() == 1);
  CHECK(one.begin()->second.empty());
  // A host that appears twice (a reconnect overlapping its old stream) counts once.
  auto twice = Fleet(2);
  twice.push_back(twice[0]);
  auto plans = ComputeMeshPlans(twice, c, 1);
  CHECK(plans.size() == 2);
  CHECK(plans["h100"].size() == 1);
}

TEST_CASE("Mesh link class: group, region mapping", "[mesh]") {
  std::map<std::string, std::string> regions = {{"fra1", "eu"}, {"ams1", "eu"}, {"sfo1", "us"}};
  CHECK(MeshLinkClass("fra1", "fra1", regions) == "intra_dc");
  CHECK(MeshLinkClass("fra1", "ams1", regions) == "regional");
  CHECK(MeshLinkClass("fra1", "sfo1", regions) == "global");
  CHECK(MeshLinkClass("fra1", "nyc1", regions) == "regional");  // unmapped group
  CHECK(MeshLinkClass("", "", regions) == "intra_dc");
  MeshConfig c;
  c.regions = regions;
  auto plans = ComputeMeshPlans({{"a", "a:1", "fra1"}, {"b", "b:1", "sfo1"}}, c, 1);
  CHECK(plans["a"][0].link_class == "global");
}

TEST_CASE("Mesh histogram quantile interpolates like histogram_quantile", "[mesh]") {
  const double inf = INFINITY;
  std::vector<double> bounds = {0.001, 0.01, 0.1, inf};
  CHECK(MeshHistogramQuantile(0.5, bounds, {10, 10, 10, 10}) == Approx(0.0005));
  CHECK(MeshHistogramQuantile(0.5, bounds, {0, 10, 10, 10}) == Approx(0.0055));
  CHECK(MeshHistogramQuantile(0.99, bounds, {0, 0, 0, 10}) == Approx(0.1));  // +Inf bucket
  CHECK(std::isnan(MeshHistogramQuantile(0.5, bounds, {0, 0, 0, 0})));
}

// Records what the coordinator forwards.
class Sink : public BatchObserver {
 public:
  void OnBatch(const AppliedBatch& b) override {
    last.clear();
    for (const AppliedSample& s : b.samples) last[*s.family] = s.value;
  }
  std::map<std::string, double> last;
};

// One agent batch with the mesh counters of each peer: rtt in seconds (all probes in one
// bucket), `probes` probes of which `failed` failed.
struct LinkSample {
  std::string peer;
  double rtt;
  double probes;
  double failed = 0;
};

void Feed(MeshCoordinator& m, const std::string& host, int64_t ts_ms,
          const std::vector<LinkSample>& links) {
  static const std::string bucket = "hostmon_mesh_rtt_seconds_bucket";
  static const std::string probes = "hostmon_mesh_probes_total";
  static const std::string failures = "hostmon_mesh_probe_failures_total";
  std::vector<LabelPairs> labels;
  labels.reserve(links.size() * 8);
  AppliedBatch b;
  b.host = host;
  b.timestamp_ms = ts_ms;
  for (const LinkSample& l : links) {
    for (const char* le : {"0.0005", "0.001", "0.025", "+Inf"}) {
      const double bound = std::string(le) == "+Inf" ? INFINITY : std::stod(le);
      labels.push_back({{"class", "intra_dc"}, {"le", le}, {"peer", l.peer}});
      const double ok = l.probes - l.failed;
      b.samples.push_back({&bucket, ::hostmon::ingest::v1::METRIC_TYPE_COUNTER, &labels.back(),
                           l.rtt <= bound ? ok : 0, 0});
    }
    labels.push_back({{"class", "intra_dc"}, {"peer", l.peer}});
    b.samples.push_back(
        {&probes, ::hostmon::ingest::v1::METRIC_TYPE_COUNTER, &labels.back(), l.probes, 0});
    b.samples.push_back(
        {&failures, ::hostmon::ingest::v1::METRIC_TYPE_COUNTER, &labels.back(), l.failed, 0});
  }
  m.OnBatch(b);
}

TEST_CASE("Mesh verdicts tell a bad peer from a bad host network", "[mesh]") {
  Sink next;
  MeshConfig c;
  c.enabled = true;
  MeshCoordinator m(c, &next);
  std::vector<::hostmon::ingest::v1::MeshPlan> plans;
  for (const char* h : {"a", "b", "c", "d"}) {
    m.Join(h, {{"dc", "x"}}, std::string(h) + ":1",
           [&](const ::hostmon::ingest::v1::MeshPlan& p) { plans.push_back(p); });
  }
  CHECK(plans.size() >= 4);
  // d is slow (20 ms) from everyone; everything else is fast (0.3 ms).
  for (int64_t t = 1; t <= 3; ++t) {
    const double n = 10.0 * t;
    Feed(m, "a", t * 1000, {{"b", 0.0003, n}, {"c", 0.0003, n}, {"d", 0.02, n}});
    Feed(m, "b", t * 1000, {{"a", 0.0003, n}, {"c", 0.0003, n}, {"d", 0.02, n}});
    Feed(m, "c", t * 1000, {{"a", 0.0003, n}, {"b", 0.0003, n}, {"d", 0.02, n}});
    Feed(m, "d", t * 1000, {{"a", 0.0003, n}, {"b", 0.0003, n}, {"c", 0.0003, n}});
  }
  CHECK(next.last["hostmon_mesh_slow_probers_ratio"] == 1.0);  // d, fed last
  CHECK(next.last["hostmon_mesh_slow_peers_ratio"] == 0.0);
  Feed(m, "a", 4000, {{"b", 0.0003, 40}, {"c", 0.0003, 40}, {"d", 0.02, 40}});
  CHECK(next.last["hostmon_mesh_slow_peers_ratio"] == Approx(1.0 / 3));
  CHECK(next.last["hostmon_mesh_slow_probers_ratio"] == 0.0);
  MeshLinkStats st;
  REQUIRE(m.LinkStats("a", "d", &st));
  CHECK(st.p50 > 0.001);
  CHECK(st.loss == 0);
  // A peer that answers nothing (all 40 probes since the first batch failed) counts as slow
  // through its loss.
  Feed(m, "b", 5000, {{"a", 0.0003, 50, 40}, {"c", 0.0003, 50}, {"d", 0.02, 50}});
  REQUIRE(m.LinkStats("b", "a", &st));
  CHECK(st.loss == 1.0);
  std::string body, type;
  CHECK(m.ServeMesh(&body, &type) == 200);
  CHECK_THAT(body, Catch::Contains("\"matrix\""));
  CHECK_THAT(body, Catch::Contains("\"p99_seconds\""));
  // A member that leaves takes its links with it.
  m.Leave(1);
  CHECK_FALSE(m.LinkStats("a", "d", &st));
}

}  // namespace
}  // namespace hostmon::collector
