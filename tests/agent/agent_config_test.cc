// SPDX-License-Identifier: Apache-2.0
#include "agent/agent_config.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agent/slow_tier.h"
#include "agent/source_registry.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

// Loads `yaml` (written to a temp file named agent.yaml) over the defaults.
struct Loaded {
  absl::Status status;
  AgentConfig config;
  std::string path;
};

Loaded Load(const std::string& yaml) {
  testing::ScopedTempDir dir;
  Loaded l;
  l.path = dir.Write("agent.yaml", yaml);
  l.status = LoadAgentConfigFile(l.path, &l.config);
  return l;
}

TEST_CASE("AgentConfig defaults are valid", "[agent][config]") {
  AgentConfig c;
  CHECK(c.collector_address == "127.0.0.1:9710");
  CHECK(c.interval == absl::Seconds(15));
  CHECK(c.queue_max_batches == 240);
  CHECK(c.log_level == "info");
  CHECK(ValidateAgentConfig(c).ok());
}

TEST_CASE("LoadAgentConfigFile reads a full config over the defaults", "[agent][config]") {
  Loaded l = Load(R"(# hostmon agent
collector:
  address: collector.example.invalid:9710
  tls:
    cert_file: /etc/hostmon/agent.crt
    key_file: /etc/hostmon/agent.key
    ca_file: /etc/hostmon/ca.crt
    server_name: collector.internal
hostname: web-01
labels:
  dc: fra1
  role: "web"
collection:
  interval: 30s
  queue_max_batches: 120
paths:
  procfs: /host/proc
  sysfs: /host/sys
  rootfs: /host
sources:
  disable_defaults: true
  cpu: true
  meminfo: false
log:
  level: debug
)");
  REQUIRE(l.status.ok());
  const AgentConfig& c = l.config;
  CHECK(c.collector_address == "collector.example.invalid:9710");
  CHECK(c.tls.cert_file == "/etc/hostmon/agent.crt");
  CHECK(c.tls.key_file == "/etc/hostmon/agent.key");
  CHECK(c.tls.ca_file == "/etc/hostmon/ca.crt");
  CHECK(c.tls.server_name == "collector.internal");
  CHECK(c.hostname == "web-01");
  CHECK(c.labels == std::map<std::string, std::string>{{"dc", "fra1"}, {"role", "web"}});
  CHECK(c.interval == absl::Seconds(30));
  CHECK(c.queue_max_batches == 120);
  CHECK(c.procfs == "/host/proc");
  CHECK(c.sysfs == "/host/sys");
  CHECK(c.rootfs == "/host");
  CHECK(c.disable_default_sources);
  CHECK(c.sources == std::map<std::string, bool>{{"cpu", true}, {"meminfo", false}});
  CHECK(c.log_level == "debug");
  CHECK(ValidateAgentConfig(c).ok());
}

TEST_CASE("LoadAgentConfigFile keeps defaults for keys the file omits", "[agent][config]") {
  Loaded l = Load("collection:\n  interval: 5s\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.interval == absl::Seconds(5));
  CHECK(l.config.collector_address == "127.0.0.1:9710");
  CHECK(l.config.queue_max_batches == 240);
  CHECK(l.config.procfs == "/proc");
  CHECK(l.config.sources.empty());
  CHECK_FALSE(l.config.disable_default_sources);
  CHECK(l.config.log_level == "info");
}

TEST_CASE("LoadAgentConfigFile accepts an empty file", "[agent][config]") {
  Loaded l = Load("");
  REQUIRE(l.status.ok());
  CHECK(l.config.collector_address == "127.0.0.1:9710");
  CHECK(l.config.interval == absl::Seconds(15));
}

TEST_CASE("LoadAgentConfigFile names a missing file", "[agent][config]") {
  testing::ScopedTempDir dir;
  std::string path = dir.File("nope.yaml");
  AgentConfig c;
  absl::Status s = LoadAgentConfigFile(path, &c);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(s), Catch::Contains(path));
}

TEST_CASE("LoadAgentConfigFile reports a YAML syntax error with file and line", "[agent][config]") {
  Loaded l = Load("collector:\n  address: x:1\n   tls: {}\n");
  REQUIRE_FALSE(l.status.ok());
  CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":3"));
}

TEST_CASE("LoadAgentConfigFile rejects an unknown top-level key naming it and its line",
          "[agent][config]") {
  Loaded l = Load("hostname: a\ncolletor:\n  address: x:1\n");
  CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":2"));
  CHECK_THAT(Msg(l.status), Catch::Contains("\"colletor\""));
  CHECK_THAT(Msg(l.status), Catch::Contains("unknown key"));
}

TEST_CASE("LoadAgentConfigFile rejects unknown nested keys with their dotted path",
          "[agent][config]") {
  struct Case {
    const char* yaml;
    const char* field;
  };
  for (Case c : {Case{"collector:\n  adress: x:1\n", "\"collector.adress\""},
                 Case{"collector:\n  tls:\n    cafile: x\n", "\"collector.tls.cafile\""},
                 Case{"collection:\n  intervall: 5s\n", "\"collection.intervall\""},
                 Case{"paths:\n  proc: /p\n", "\"paths.proc\""},
                 Case{"log:\n  format: json\n", "\"log.format\""}}) {
    INFO(c.yaml);
    Loaded l = Load(c.yaml);
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains(c.field));
    CHECK_THAT(Msg(l.status), Catch::Contains("unknown key"));
  }
}

TEST_CASE("LoadAgentConfigFile rejects an unknown source name", "[agent][config]") {
  Loaded l = Load("sources:\n  cpu: true\n  diskstatz: true\n");
  CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":3"));
  CHECK_THAT(Msg(l.status), Catch::Contains("\"sources.diskstatz\""));
  CHECK_THAT(Msg(l.status), Catch::Contains("unknown source"));
}

TEST_CASE("LoadAgentConfigFile rejects a source switch that is not a bool", "[agent][config]") {
  for (const char* yaml : {"sources:\n  cpu: sometimes\n", "sources:\n  cpu: {enabled: true}\n",
                           "sources:\n  disable_defaults: 1\n"}) {
    INFO(yaml);
    Loaded l = Load(yaml);
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains("expected true or false"));
  }
}

// Regression: a source key with no value (`cpu:` or `cpu: ~`) silently became an explicit "off"
// switch instead of being rejected.
TEST_CASE("LoadAgentConfigFile does not turn a source without a value into an off switch",
          "[agent][config]") {
  Loaded l = Load("sources:\n  cpu:\n");
  bool silently_disabled =
      l.status.ok() && l.config.sources.count("cpu") == 1 && !l.config.sources.at("cpu");
  CHECK_FALSE(silently_disabled);
}

TEST_CASE("LoadAgentConfigFile rejects a bad duration naming the field", "[agent][config]") {
  for (const char* bad : {"15", "fast", "-5s", "1d"}) {
    INFO(bad);
    Loaded l = Load(std::string("collection:\n  interval: ") + bad + "\n");
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":2"));
    CHECK_THAT(Msg(l.status), Catch::Contains("\"collection.interval\""));
    CHECK_THAT(Msg(l.status), Catch::Contains(std::string("\"") + bad + "\""));
    CHECK(l.config.interval == absl::Seconds(15));
  }
}

TEST_CASE("LoadAgentConfigFile rejects wrongly shaped sections and values", "[agent][config]") {
  struct Case {
    const char* yaml;
    const char* expect;
  };
  for (Case c : {Case{"collector: 127.0.0.1:9710\n", "\"collector\": expected a mapping"},
                 Case{"labels: [a, b]\n", "\"labels\": expected a mapping of strings"},
                 Case{"labels:\n  dc: {x: y}\n", "\"labels\": expected a mapping of strings"},
                 Case{"hostname: [a]\n", "\"hostname\": expected a string"},
                 Case{"collection:\n  queue_max_batches: lots\n",
                      "\"collection.queue_max_batches\": expected an integer"},
                 Case{"sources: [cpu]\n", "\"sources\": expected a mapping"},
                 Case{"log: debug\n", "\"log\": expected a mapping"}}) {
    INFO(c.yaml);
    Loaded l = Load(c.yaml);
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains(c.expect));
    CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":"));
  }
}

TEST_CASE("ValidateAgentConfig rejects instance as a static label", "[agent][config]") {
  Loaded l = Load("labels: {instance: x}\n");
  REQUIRE(l.status.ok());  // the file is well-formed; the value is what is wrong
  absl::Status s = ValidateAgentConfig(l.config);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(s), Catch::Contains("\"instance\""));
  CHECK_THAT(Msg(s), Catch::Contains("--hostname"));
}

TEST_CASE("ValidateAgentConfig rejects invalid and reserved label names and non-UTF-8 values",
          "[agent][config]") {
  for (const char* name : {"__meta", "9lives", "with-dash", ""}) {
    INFO(name);
    AgentConfig c;
    c.labels[name] = "v";
    absl::Status s = ValidateAgentConfig(c);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(s), Catch::Contains(std::string("label name \"") + name + "\" is not valid"));
  }
  AgentConfig c;
  c.labels["dc"] = "fra\xC3";
  absl::Status s = ValidateAgentConfig(c);
  CHECK_THAT(Msg(s), Catch::Contains("label \"dc\": value is not UTF-8"));
  c.labels["dc"] = "fra\xC3\xA9";
  c.labels["job"] = "node";
  CHECK(ValidateAgentConfig(c).ok());
}

TEST_CASE("ValidateAgentConfig rejects an interval below 100ms", "[agent][config]") {
  AgentConfig c;
  c.interval = absl::Milliseconds(99);
  absl::Status s = ValidateAgentConfig(c);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(s), Catch::Contains("between 100ms and 1h"));
  c.interval = absl::ZeroDuration();
  CHECK_FALSE(ValidateAgentConfig(c).ok());
  c.interval = absl::Milliseconds(100);
  CHECK(ValidateAgentConfig(c).ok());

  Loaded l = Load("collection:\n  interval: 50ms\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.interval == absl::Milliseconds(50));
  CHECK_FALSE(ValidateAgentConfig(l.config).ok());
}

// Regression: `interval: inf` was accepted (absl::ParseDuration takes "inf", and there was no upper
// bound), and the agent collected once, then slept forever.
TEST_CASE("An infinite collection interval is rejected by load or validate", "[agent][config]") {
  Loaded l = Load("collection:\n  interval: inf\n");
  bool rejected = !l.status.ok() || !ValidateAgentConfig(l.config).ok();
  CHECK(rejected);
}

TEST_CASE("ValidateAgentConfig rejects an empty address, an empty queue and a bad log level",
          "[agent][config]") {
  AgentConfig empty_address;
  empty_address.collector_address = "";
  CHECK_THAT(Msg(ValidateAgentConfig(empty_address)), Catch::Contains("collector address"));

  AgentConfig no_queue;
  no_queue.queue_max_batches = 0;
  CHECK_THAT(Msg(ValidateAgentConfig(no_queue)), Catch::Contains("queue_max_batches"));

  for (const char* level : {"verbose", "INFO", ""}) {
    INFO(level);
    AgentConfig c;
    c.log_level = level;
    CHECK_THAT(Msg(ValidateAgentConfig(c)),
               Catch::Contains(std::string("log level \"") + level + "\""));
  }
  for (const char* level : {"debug", "info", "warn", "warning", "error"}) {
    INFO(level);
    AgentConfig c;
    c.log_level = level;
    CHECK(ValidateAgentConfig(c).ok());
  }
}

TEST_CASE("ApplyAgentFlags: flags override the file, every source option gets its value",
          "[agent][config]") {
  Loaded l = Load(R"(collector:
  address: from-file:9710
sources_options:
  arp:
    device-exclude: ^lo$
)");
  REQUIRE(l.status.ok());
  AgentConfig c = l.config;
  AgentCommandLine cmd;
  const char* argv[] = {"hostmon-agent",  "--collector.address=from-flag:9710", "--label=dc=fra1",
                        "--source.smart", "--source.arp.device-include=^eth",   "--once"};
  REQUIRE(ApplyAgentFlags(6, argv, &c, &cmd).ok());
  CHECK(c.collector_address == "from-flag:9710");
  CHECK(c.labels["dc"] == "fra1");
  CHECK(c.sources["smart"]);
  CHECK(c.sources.count("cpu") == 0);                          // only switches given explicitly
  CHECK(c.source_options["arp"]["device-exclude"] == "^lo$");  // the file's
  CHECK(c.source_options["arp"]["device-include"] == "^eth");  // the flag's
  for (const SourceInfo& info : BuiltinSources()) {            // the rest: their defaults
    for (const SourceOption& o : EffectiveOptions(info)) {
      if (info.name == "arp") continue;
      INFO(info.name << "." << o.name);
      CHECK(c.source_options[info.name][o.name] == o.default_value);
    }
  }
  CHECK(c.source_options["smart"].count("timeout") == 1);  // slow-tier options included
  CHECK(cmd.once);
  CHECK_FALSE(cmd.help);
}

TEST_CASE("A repeatable source option: a list in the file, the flag given several times",
          "[agent][config]") {
  Loaded l = Load(R"(sources_options:
  sysctl:
    include: [fs.file-nr, "fs.file-nr:total,current,max"]
    include-info: kernel.seccomp.actions_avail
)");
  REQUIRE(l.status.ok());
  CHECK(l.config.source_options["sysctl"]["include"] == "fs.file-nr\nfs.file-nr:total,current,max");
  CHECK(l.config.source_options["sysctl"]["include-info"] == "kernel.seccomp.actions_avail");

  AgentConfig c = l.config;
  AgentCommandLine cmd;
  const char* argv[] = {"hostmon-agent", "--source.sysctl.include=kernel.threads-max",
                        "--source.sysctl.include=fs.file-nr:total,current,max"};
  REQUIRE(ApplyAgentFlags(3, argv, &c, &cmd).ok());
  // The flags replace the file's entries; the option not given keeps the file's.
  CHECK(c.source_options["sysctl"]["include"] ==
        "kernel.threads-max\nfs.file-nr:total,current,max");
  CHECK(c.source_options["sysctl"]["include-info"] == "kernel.seccomp.actions_avail");

  // Only a repeatable option takes a list.
  Loaded bad = Load(R"(sources_options:
  arp:
    device-exclude: [a, b]
)");
  CHECK_FALSE(bad.status.ok());
}

TEST_CASE("ApplyAgentFlags rejects a label without a value and stops at --help",
          "[agent][config]") {
  AgentConfig c;
  AgentCommandLine cmd;
  const char* bad[] = {"hostmon-agent", "--label=dc"};
  CHECK_THAT(Msg(ApplyAgentFlags(2, bad, &c, &cmd)),
             Catch::Contains("--label expects name=value, got dc"));
  const char* unknown[] = {"hostmon-agent", "--no-such-flag"};
  CHECK_FALSE(ApplyAgentFlags(2, unknown, &c, &cmd).ok());
  AgentConfig h;
  const char* help[] = {"hostmon-agent", "--help", "--label=dc"};
  REQUIRE(ApplyAgentFlags(3, help, &h, &cmd).ok());
  CHECK(cmd.help);
  CHECK_THAT(cmd.usage, Catch::Contains("--collector.address"));
}

}  // namespace
}  // namespace hostmon::agent
