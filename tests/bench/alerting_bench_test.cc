// SPDX-License-Identifier: Apache-2.0
//
// Rule engine cost (hidden tag: not part of the test run). Run:
//   build/tests/hostmon_unit_tests "[.bench][alerting-bench]" --benchmark-samples 20
// What one live batch costs the gRPC thread that delivers it (evaluation on arrival, with the
// shipped default rules) and what a Tick costs with many hosts.
#include <catch2/catch.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "collector/alerting/engine_fixture.h"
#include "collector/alerting/rules.h"

namespace hostmon::collector::alerting {
namespace {

using testing::Point;

// A large host: 64 CPUs x 8 modes, 8 disks, 10 filesystems, 8 NICs (the series the default
// rules read) plus 1500 series no rule references.
std::vector<Point> BigHost(int step) {
  std::vector<Point> p;
  const double t = 15.0 * step;
  for (int cpu = 0; cpu < 64; ++cpu) {
    for (const char* mode :
         {"idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"}) {
      const double share = std::string(mode) == "idle" ? 0.5 : 0.5 / 7;
      p.push_back(
          {"node_cpu_seconds_total", {{"cpu", std::to_string(cpu)}, {"mode", mode}}, t * share});
    }
  }
  p.push_back({"node_memory_MemTotal_bytes", {}, 64e9});
  p.push_back({"node_memory_MemAvailable_bytes", {}, 32e9});
  for (int d = 0; d < 8; ++d) {
    const LabelPairs dev = {{"device", absl::StrCat("sd", std::string(1, 'a' + d))}};
    p.push_back({"node_disk_reads_completed_total", dev, 100.0 * step});
    p.push_back({"node_disk_writes_completed_total", dev, 100.0 * step});
    p.push_back({"node_disk_read_time_seconds_total", dev, 0.1 * step});
    p.push_back({"node_disk_write_time_seconds_total", dev, 0.1 * step});
  }
  for (int f = 0; f < 10; ++f) {
    const LabelPairs fs = {{"device", absl::StrCat("/dev/vd", f)},
                           {"fstype", "ext4"},
                           {"mountpoint", absl::StrCat("/m", f)}};
    p.push_back({"node_filesystem_size_bytes", fs, 1e12});
    p.push_back({"node_filesystem_avail_bytes", fs, 5e11});
    p.push_back({"node_filesystem_readonly", fs, 0});
  }
  for (int n = 0; n < 8; ++n) {
    const LabelPairs nic = {{"device", absl::StrCat("eth", n)}};
    p.push_back({"node_network_receive_packets_total", nic, 1000.0 * step});
    p.push_back({"node_network_transmit_packets_total", nic, 1000.0 * step});
    p.push_back({"node_network_receive_errs_total", nic, 0});
    p.push_back({"node_network_transmit_errs_total", nic, 0});
  }
  for (int i = 0; i < 1500; ++i) {
    p.push_back({absl::StrCat("node_other_", i % 100), {{"i", std::to_string(i)}}, 1.0 * i});
  }
  return p;
}

TEST_CASE("Rule engine cost per batch and per tick", "[.bench][alerting-bench]") {
  absl::StatusOr<RuleSet> rules =
      LoadRulesFile(std::string(HOSTMON_FIXTURE_DIR) + "/../../deploy/config/rules.yml");
  REQUIRE(rules.ok());
  testing::Harness h("");
  h.engine->ReplaceRules(*rules);
  int step = 0;
  for (; step < 25; ++step) h.Step(BigHost(step));  // windows full (5m)
  std::cout << "default rules: " << rules->rules.size() << " rules; big host batch "
            << BigHost(0).size() << " samples, tracked series " << h.engine->tracked_series()
            << "\n";
  BENCHMARK_ADVANCED("OnBatch + evaluation, big host, default rules")
  (Catch::Benchmark::Chronometer meter) {
    std::vector<std::unique_ptr<testing::BatchMaker>> batches;
    for (int i = 0; i < meter.runs(); ++i) {
      h.clock.Advance(absl::Seconds(15));
      ++step;
      auto m = std::make_unique<testing::BatchMaker>("web1", h.clock.Now(),
                                                     absl::ToUnixMillis(h.clock.Now()));
      for (const Point& p : BigHost(step)) m->Add(p);
      batches.push_back(std::move(m));
    }
    meter.measure([&](int i) { h.engine->OnBatch(batches[i]->batch()); });
  };

  // 1000 ordinary hosts (4 CPUs) with all alerts evaluated, then the per-second Tick.
  testing::Harness many("");
  many.engine->ReplaceRules(*rules);
  for (int s = 0; s < 6; ++s) {  // 75 s: past the 1m `for`, the warnings fire
    many.clock.Advance(absl::Seconds(15));
    for (int host = 0; host < 1000; ++host) {
      std::vector<Point> p;
      for (int cpu = 0; cpu < 4; ++cpu) {
        p.push_back({"node_cpu_seconds_total",
                     {{"cpu", std::to_string(cpu)}, {"mode", "idle"}},
                     15.0 * s * 0.1});
        p.push_back({"node_cpu_seconds_total",
                     {{"cpu", std::to_string(cpu)}, {"mode", "user"}},
                     15.0 * s * 0.9});
      }
      p.push_back({"node_memory_MemTotal_bytes", {}, 8e9});
      p.push_back({"node_memory_MemAvailable_bytes", {}, 1e9});
      many.Deliver(p, absl::StrCat("host", host), false, absl::ToUnixMillis(many.clock.Now()));
    }
  }
  std::cout << "1000 hosts: " << many.engine->Alerts().size() << " active alerts ("
            << many.engine->NotificationsToResend(many.clock.Now()).size() << " firing), "
            << many.engine->tracked_series() << " tracked series\n";
  BENCHMARK("Tick, 1000 hosts, 2000 firing alerts") {
    many.engine->Tick(many.clock.Now());
    return 0;
  };
  BENCHMARK("WriteExposition, 1000 hosts") {
    std::string out;
    many.engine->WriteExposition(&out);
    return out.size();
  };
}

}  // namespace
}  // namespace hostmon::collector::alerting
