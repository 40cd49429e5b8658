// SPDX-License-Identifier: Apache-2.0
//
// The shipped deploy/config/rules.yml, evaluated against the metric names the agent really
// emits (tests/golden/agent_once.prom): node_cpu_seconds_total{cpu,mode},
// node_memory_Mem{Total,Available}_bytes, node_disk_{read,write}_time_seconds_total,
// node_disk_{reads,writes}_completed_total, node_filesystem_{avail,size}_bytes, ...
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "collector/alerting/engine_fixture.h"
#include "collector/alerting/rules.h"

namespace hostmon::collector::alerting {
namespace {

using testing::Label;
using testing::Point;

const std::string kDefaultRules =
    std::string(HOSTMON_FIXTURE_DIR) + "/../../deploy/config/rules.yml";

// A host at `busy` CPU fraction on 2 CPUs, `mem_used` memory fraction, disk sda with `await_s`
// per I/O, / at `fs_used` fraction, after `step` intervals of 15 s.
std::vector<Point> HostPoints(int step, double busy, double mem_used, double await_s,
                              double fs_used, double readonly) {
  std::vector<Point> p;
  const double t = 15.0 * step;
  for (const char* cpu : {"0", "1"}) {
    p.push_back({"node_cpu_seconds_total", {{"cpu", cpu}, {"mode", "idle"}}, t * (1 - busy)});
    p.push_back({"node_cpu_seconds_total", {{"cpu", cpu}, {"mode", "user"}}, t * busy * 0.8});
    p.push_back({"node_cpu_seconds_total", {{"cpu", cpu}, {"mode", "system"}}, t * busy * 0.2});
  }
  p.push_back({"node_memory_MemTotal_bytes", {}, 8e9});
  p.push_back({"node_memory_MemAvailable_bytes", {}, 8e9 * (1 - mem_used)});
  const double reads = 100.0 * step, writes = 50.0 * step;
  p.push_back({"node_disk_reads_completed_total", {{"device", "sda"}}, reads});
  p.push_back({"node_disk_writes_completed_total", {{"device", "sda"}}, writes});
  p.push_back({"node_disk_read_time_seconds_total", {{"device", "sda"}}, reads * await_s});
  p.push_back({"node_disk_write_time_seconds_total", {{"device", "sda"}}, writes * await_s});
  // An idle optical drive: excluded by the selector anyway, and a zero denominator.
  p.push_back({"node_disk_reads_completed_total", {{"device", "sr0"}}, 3});
  p.push_back({"node_disk_read_time_seconds_total", {{"device", "sr0"}}, 0.009});
  const LabelPairs root = {{"device", "/dev/vda"}, {"fstype", "ext4"}, {"mountpoint", "/"}};
  const LabelPairs run = {{"device", "tmpfs"}, {"fstype", "tmpfs"}, {"mountpoint", "/run"}};
  p.push_back({"node_filesystem_size_bytes", root, 100e9});
  p.push_back({"node_filesystem_avail_bytes", root, 100e9 * (1 - fs_used)});
  p.push_back({"node_filesystem_readonly", root, readonly});
  p.push_back({"node_filesystem_size_bytes", run, 1e9});
  p.push_back({"node_filesystem_avail_bytes", run, 0});  // full tmpfs: excluded
  p.push_back({"node_filesystem_readonly", run, 1});     // excluded
  p.push_back({"node_network_receive_packets_total", {{"device", "eth0"}}, 1000.0 * step});
  p.push_back({"node_network_transmit_packets_total", {{"device", "eth0"}}, 1000.0 * step});
  p.push_back({"node_network_receive_errs_total", {{"device", "eth0"}}, 0});
  p.push_back({"node_network_transmit_errs_total", {{"device", "eth0"}}, 0});
  p.push_back({"node_load1", {}, 1.5});  // not referenced by any rule
  return p;
}

TEST_CASE("The shipped default rules load", "[alerting]") {
  absl::StatusOr<RuleSet> rules = LoadRulesFile(kDefaultRules);
  INFO(rules.status().ToString());
  REQUIRE(rules.ok());
  std::map<std::string, const Rule*> by_name;
  for (const Rule& r : rules->rules) by_name[r.name] = &r;
  for (const char* name : {"HostHighCpuUsage", "HostHighMemoryUsage", "HostDiskHighAwait",
                           "ProbeLatencyIntraDc", "ProbeLatencyRegional", "ProbeLatencyGlobal",
                           "ProbeSlowApiResponse", "ProbeSlowWebResponse", "ProbeHighErrorRate",
                           "HostDiskSpaceLow", "HostFilesystemReadOnly", "HostNetworkErrors"}) {
    INFO(name);
    CHECK(by_name.count(name) == 1);
  }
  const Rule& cpu = *by_name.at("HostHighCpuUsage");
  REQUIRE(cpu.severities.size() == 2);
  CHECK(cpu.severities[0].threshold == 70);
  CHECK(cpu.severities[1].threshold == 85);
  CHECK(cpu.severities[1].for_duration == absl::Minutes(5));
  CHECK(rules->host_down.grace == absl::Minutes(1));
}

TEST_CASE("Default rules evaluate the agent's real metric names", "[alerting]") {
  absl::StatusOr<RuleSet> rules = LoadRulesFile(kDefaultRules);
  REQUIRE(rules.ok());
  testing::Harness h("");
  h.engine->ReplaceRules(*std::move(rules));
  h.Event(HostEvent::kConnected);

  // 90 % CPU, 80 % memory, 20 ms await, 90 % full root filesystem, writable.
  for (int step = 1; step <= 4; ++step) h.Step(HostPoints(step, 0.9, 0.8, 0.020, 0.9, 0));
  auto cpu = h.Find("HostHighCpuUsage");
  REQUIRE(cpu != nullptr);
  CHECK(cpu->value == Approx(90));
  CHECK(cpu->state == AlertState::kPending);
  auto mem = h.Find("HostHighMemoryUsage");
  REQUIRE(mem != nullptr);
  CHECK(mem->value == Approx(80));
  auto disk = h.Find("HostDiskHighAwait");
  REQUIRE(disk != nullptr);
  CHECK(disk->value == Approx(20));
  CHECK(Label(disk->labels, "device") == "sda");
  auto fs = h.Find("HostDiskSpaceLow");
  REQUIRE(fs != nullptr);
  CHECK(fs->value == Approx(90));
  CHECK(Label(fs->labels, "mountpoint") == "/");
  CHECK(h.Find("HostFilesystemReadOnly") == nullptr);
  CHECK(h.Find("HostNetworkErrors") == nullptr);
  CHECK(h.Find("ProbeHighErrorRate") == nullptr);  // no probe series yet
  CHECK(h.engine->Alerts().size() == 4);
  // Only series a rule references are kept (not node_load1, not the excluded tmpfs/sr0).
  CHECK(h.engine->tracked_series() == 19);

  // After the 1m `for` the warnings fire; critical CPU (85 %, 5m) keeps pending.
  for (int step = 5; step <= 8; ++step) h.Step(HostPoints(step, 0.9, 0.8, 0.020, 0.9, 0));
  cpu = h.Find("HostHighCpuUsage");
  REQUIRE(cpu != nullptr);
  CHECK(cpu->state == AlertState::kFiring);
  CHECK(Label(cpu->labels, "severity") == "warning");
  CHECK(Label(cpu->annotations, "summary") == "web1: CPU 90.0% busy (5m average)");
  for (int step = 9; step <= 28; ++step) h.Step(HostPoints(step, 0.9, 0.8, 0.020, 0.9, 0));
  cpu = h.Find("HostHighCpuUsage");
  CHECK(Label(cpu->labels, "severity") == "critical");

  // The root filesystem turns read-only: critical at once.
  h.Step(HostPoints(29, 0.9, 0.8, 0.020, 0.9, 1));
  auto ro = h.Find("HostFilesystemReadOnly");
  REQUIRE(ro != nullptr);
  CHECK(ro->state == AlertState::kFiring);
  CHECK(Label(ro->labels, "severity") == "critical");
  CHECK(Label(ro->annotations, "summary") == "web1 / (/dev/vda) is read-only");

  std::string out;
  h.engine->WriteExposition(&out);
  CHECK(out.find("hostmon_alerts{alertname=\"HostHighCpuUsage\",alertstate=\"firing\"") !=
        std::string::npos);
  // tests/cmake/alerting_engine.cmake lints this output with promtool.
  if (const char* path = std::getenv("HOSTMON_ALERTING_EXPOSITION_OUT")) {
    std::ofstream(path) << out;
  }
}

// The probe source's hostmon_probe_duration_seconds histogram (sum and count per target) after
// `step` rounds of 15 s, one observation of `seconds` each.
std::vector<Point> ProbePoints(int step,
                               const std::vector<std::pair<LabelPairs, double>>& targets) {
  std::vector<Point> p;
  for (const auto& [labels, seconds] : targets) {
    p.push_back({"hostmon_probe_duration_seconds_sum", labels, seconds * step});
    p.push_back({"hostmon_probe_duration_seconds_count", labels, 1.0 * step});
  }
  return p;
}

LabelPairs ProbeTarget(const std::string& klass, const std::string& module,
                       const std::string& target) {
  return {{"class", klass}, {"module", module}, {"target", target}};
}

TEST_CASE("Default latency and response-time rules key on the probe histogram by class",
          "[alerting]") {
  absl::StatusOr<RuleSet> rules = LoadRulesFile(kDefaultRules);
  REQUIRE(rules.ok());
  testing::Harness h("");
  h.engine->ReplaceRules(*std::move(rules));
  h.Event(HostEvent::kConnected);
  const std::vector<std::pair<LabelPairs, double>> targets = {
      {ProbeTarget("intra_dc", "tcp", "db1"), 0.002},    // 2 ms > 1 ms
      {ProbeTarget("intra_dc", "icmp", "db2"), 0.0005},  // 0.5 ms: fine
      {ProbeTarget("regional", "icmp", "eu"), 0.010},    // 10 ms < 30 ms
      {ProbeTarget("global", "tcp", "us"), 0.150},       // 150 ms > 100 ms
      {ProbeTarget("web", "http", "shop"), 1.5},         // > 1 s: warning
      {ProbeTarget("api", "http", "orders"), 2.5},       // > 2 s: degraded, critical
      {ProbeTarget("none", "http", "misc"), 9.0},        // no class threshold
  };
  // 30 rounds (7.5 min): the 5m window and the 5m `for` have passed.
  for (int step = 1; step <= 30; ++step) h.Step(ProbePoints(step, targets));

  auto intra = h.Find("ProbeLatencyIntraDc");
  REQUIRE(intra != nullptr);
  CHECK(intra->state == AlertState::kFiring);
  CHECK(intra->value == Approx(2));  // ms
  CHECK(Label(intra->labels, "target") == "db1");
  CHECK(h.Find("ProbeLatencyRegional") == nullptr);
  auto global = h.Find("ProbeLatencyGlobal");
  REQUIRE(global != nullptr);
  CHECK(global->value == Approx(150));
  auto web = h.Find("ProbeSlowWebResponse");
  REQUIRE(web != nullptr);
  CHECK(web->state == AlertState::kFiring);
  CHECK(web->value == Approx(1.5));
  CHECK(Label(web->labels, "severity") == "warning");
  CHECK(Label(web->labels, "target") == "shop");
  auto api = h.Find("ProbeSlowApiResponse");
  REQUIRE(api != nullptr);
  CHECK(api->state == AlertState::kFiring);
  CHECK(Label(api->labels, "severity") == "critical");
  CHECK(Label(api->labels, "target") == "orders");
  CHECK(h.engine->Alerts().size() == 4);
}

TEST_CASE("Default probe error-rate rule: share of failed probes per target over 5m",
          "[alerting]") {
  absl::StatusOr<RuleSet> rules = LoadRulesFile(kDefaultRules);
  REQUIRE(rules.ok());
  testing::Harness h("");
  h.engine->ReplaceRules(*std::move(rules));
  h.Event(HostEvent::kConnected);
  const LabelPairs flaky = ProbeTarget("api", "http", "orders");
  const LabelPairs healthy = ProbeTarget("web", "http", "shop");
  // Rounds of 15 s: "orders" fails every 10th probe (10 % > 5 %: critical), "shop" never.
  for (int step = 1; step <= 30; ++step) {
    h.Step({{"probe_success", flaky, step % 10 == 0 ? 0.0 : 1.0}, {"probe_success", healthy, 1.0}});
  }
  auto failing = h.Find("ProbeHighErrorRate");
  REQUIRE(failing != nullptr);
  CHECK(failing->state == AlertState::kFiring);
  CHECK(Label(failing->labels, "target") == "orders");
  CHECK(Label(failing->labels, "severity") == "critical");
  CHECK(failing->value > 5);
  CHECK(failing->value < 15);
  CHECK(h.engine->Alerts().size() == 1);
}

}  // namespace
}  // namespace hostmon::collector::alerting
