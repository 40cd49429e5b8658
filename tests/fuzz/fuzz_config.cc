// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the YAML configuration loaders and the rules language: the collector's
// config file, the agent's per-source files (probe targets, weblogs, Redfish and IPMI targets),
// the rules file and the selector and template languages inside it. Operators write these, but a
// typo or a half-written file must give an error naming the file, never a crash or a hang (issue:
// "120 malformed configs crashed nothing" stays true for every shape). The first byte picks the
// loader. The agent's own config file has its own target (fuzz_agent_config), because its
// validation needs every source of the agent.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "agent/sources/ipmi/ipmi_config.h"
#include "agent/sources/probe/probe_config.h"
#include "agent/sources/redfish/redfish_config.h"
#include "agent/sources/weblog/weblog_config.h"
#include "collector/alerting/rules.h"
#include "collector/alerting/selector.h"
#include "collector/alerting/template.h"
#include "collector/collector_config.h"
#include "tests/fuzz/fuzz_common.h"

namespace hostmon {
namespace {

using fuzz::SeedSpec;

struct Entry {
  const char* name;
  SeedSpec seeds;
  std::function<void(const std::string&)> parse;
};

// Loaders that only take a path read the input from this file (tmpfs when there is one).
const std::string& ScratchFile() {
  static const std::string* path = [] {
    const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return new std::string(std::string(dir) + "/hostmon-fuzz-config-" + std::to_string(getpid()) +
                           ".yml");
  }();
  return *path;
}

void WriteScratch(const std::string& text) {
  std::ofstream(ScratchFile(), std::ios::binary | std::ios::trunc) << text;
}

const std::vector<Entry>& Table() {
  // Relative file names in a config (CA files, password files) resolve against this directory,
  // which does not exist: the loaders must say so rather than read something.
  static const std::string kName = "/nonexistent/hostmon-fuzz/config.yml";
  static const auto* table = new std::vector<Entry>{
      {"collector",
       {"", {"deploy/config/collector.example.yml"}},
       [](const std::string& in) {
         WriteScratch(in);
         collector::CollectorConfig c;
         (void)collector::LoadCollectorConfigFile(ScratchFile(), &c);
       }},
      {"probes",
       {"", {"deploy/config/probes.example.yml", "tests/fixtures/probe/probes.yml"}},
       [](const std::string& in) { (void)agent::probe::ParseProbeConfig(in, kName); }},
      {"weblogs",
       {"", {"deploy/config/weblogs.example.yml"}},
       [](const std::string& in) { (void)agent::weblog::ParseWeblogConfig(in, kName); }},
      {"redfish_targets",
       {"", {"deploy/config/redfish-targets.example.yml"}},
       [](const std::string& in) { (void)agent::redfish::ParseRedfishConfig(in, kName, kName); }},
      {"ipmi_targets",
       {"", {"deploy/config/ipmi-targets.example.yml"}},
       [](const std::string& in) {
         (void)agent::ipmi::ParseIpmiTargets(in, kName, kName, absl::Seconds(10));
       }},
      {"rules",
       {"", {"deploy/config/rules.yml", "tests/dashboards/collector-test-rules.yml"}},
       [](const std::string& in) { (void)collector::alerting::ParseRules(in, kName); }},
      {"selector",
       {"", {}, false, {"node_load1{instance=~\"web.*\",job!=\"x\"}", "{__name__=~\"node_.*\"}"}},
       [](const std::string& in) {
         auto s = collector::alerting::ParseSelector(in);
         if (!s.ok()) return;
         const collector::LabelPairs labels = {{"instance", "web1"}, {"job", "node"}};
         (void)s->MatchesName("node_load1");
         (void)s->MatchesLabels(labels);
       }},
      {"template",
       {"", {}, false, {"{{ $labels.instance }} at {{ $value | humanize }}", "{{ $value }}%"}},
       [](const std::string& in) {
         auto t = collector::alerting::Template::Parse(in);
         if (!t.ok()) return;
         const collector::LabelPairs labels = {{"instance", "web1"}, {"job", "node"}};
         for (double v : {0.0, -1.5, 1e300, 12345.678}) fuzz::Touch(t->Render(v, labels));
       }},
  };
  return *table;
}

}  // namespace
}  // namespace hostmon

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hostmon::fuzz::Initialize(hostmon::fuzz::TableSeeds(hostmon::Table()));
  std::atexit([] { unlink(hostmon::ScratchFile().c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* e = hostmon::fuzz::PickEntry(hostmon::Table(), data, size);
  if (e != nullptr) e->parse(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
