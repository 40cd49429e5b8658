// SPDX-License-Identifier: Apache-2.0
#include "collector/collector_config.h"

#include <catch2/catch.hpp>
#include <string>

#include "fakes/temp_dir.h"

namespace hostmon::collector {
namespace {

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

struct Loaded {
  absl::Status status;
  CollectorConfig config;
  std::string path;
};

// Loads `yaml` (written to a temp file named collector.yaml) over the defaults.
Loaded Load(const std::string& yaml) {
  testing::ScopedTempDir dir;
  Loaded l;
  l.path = dir.Write("collector.yaml", yaml);
  l.status = LoadCollectorConfigFile(l.path, &l.config);
  return l;
}

TEST_CASE("CollectorConfig defaults are valid", "[collector][config]") {
  CollectorConfig c;
  CHECK(c.grpc_listen_address == "127.0.0.1:9710");
  CHECK(c.web_listen_address == ":9711");
  CHECK(c.hosts.default_job == "node");
  CHECK(c.hosts.staleness_intervals == 5);
  CHECK(c.log_level == "info");
  CHECK(ValidateCollectorConfig(c).ok());
}

TEST_CASE("LoadCollectorConfigFile reads a full config over the defaults", "[collector][config]") {
  Loaded l = Load(R"(# hostmon collector
grpc:
  listen_address: 0.0.0.0:19710
  tls:
    cert_file: /etc/hostmon/collector.crt
    key_file: /etc/hostmon/collector.key
    ca_file: /etc/hostmon/ca.crt
web:
  listen_address: 127.0.0.1:19711
  config_file: /etc/hostmon/web.yml
  enable_lifecycle: true
  max_connections: 64
  read_timeout: 3s
hosts:
  default_job: hosts
  default_interval: 30s
  staleness: 2m
  staleness_intervals: 3
  max_series_per_host: 5000
log:
  level: warn
)");
  REQUIRE(l.status.ok());
  const CollectorConfig& c = l.config;
  CHECK(c.grpc_listen_address == "0.0.0.0:19710");
  CHECK(c.tls.cert_file == "/etc/hostmon/collector.crt");
  CHECK(c.tls.key_file == "/etc/hostmon/collector.key");
  CHECK(c.tls.ca_file == "/etc/hostmon/ca.crt");
  CHECK(c.web_listen_address == "127.0.0.1:19711");
  CHECK(c.web_config_file == "/etc/hostmon/web.yml");
  CHECK(c.web_enable_lifecycle);
  CHECK(c.web_max_connections == 64);
  CHECK(c.web_read_timeout == absl::Seconds(3));
  CHECK(c.hosts.default_job == "hosts");
  CHECK(c.hosts.default_interval == absl::Seconds(30));
  CHECK(c.hosts.staleness == absl::Minutes(2));
  CHECK(c.hosts.staleness_intervals == 3);
  CHECK(c.hosts.max_series_per_host == 5000u);
  CHECK(c.log_level == "warn");
  CHECK(ValidateCollectorConfig(c).ok());
}

TEST_CASE("external_labels: loaded sorted, a bad name or empty value names file and line",
          "[collector][config]") {
  Loaded l = Load("external_labels:\n  cluster: eu1\n  __replica__: a\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.external_labels == LabelPairs{{"__replica__", "a"}, {"cluster", "eu1"}});
  Loaded bad = Load("log: {level: info}\nexternal_labels:\n  cluster-name: eu1\n");
  CHECK(absl::IsInvalidArgument(bad.status));
  CHECK(Msg(bad.status).find("collector.yaml:3") != std::string::npos);
  CHECK(Msg(bad.status).find("cluster-name") != std::string::npos);
  Loaded empty = Load("external_labels: {cluster: \"\"}\n");
  CHECK(Msg(empty.status).find("cluster") != std::string::npos);
  CHECK(!Load("external_labels: [a, b]\n").status.ok());
}

TEST_CASE("LoadCollectorConfigFile keeps defaults for keys the file omits", "[collector][config]") {
  Loaded l = Load("web:\n  listen_address: :29711\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.web_listen_address == ":29711");
  CHECK(l.config.grpc_listen_address == "127.0.0.1:9710");
  CHECK(l.config.hosts.default_job == "node");
  CHECK(l.config.hosts.default_interval == absl::Seconds(15));
  CHECK(l.config.hosts.staleness == absl::ZeroDuration());
  CHECK(l.config.hosts.staleness_intervals == 5);
  CHECK(l.config.hosts.max_series_per_host == 200000u);
  CHECK_FALSE(l.config.tls.any());
}

TEST_CASE("LoadCollectorConfigFile accepts an empty file", "[collector][config]") {
  Loaded l = Load("# nothing configured\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.grpc_listen_address == "127.0.0.1:9710");
  CHECK(ValidateCollectorConfig(l.config).ok());
}

TEST_CASE("LoadCollectorConfigFile names a missing file", "[collector][config]") {
  testing::ScopedTempDir dir;
  std::string path = dir.File("nope.yaml");
  CollectorConfig c;
  absl::Status s = LoadCollectorConfigFile(path, &c);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(s), Catch::Contains(path));
}

TEST_CASE("LoadCollectorConfigFile reports a YAML syntax error with file and line",
          "[collector][config]") {
  Loaded l = Load("grpc:\n  listen_address: x\n tls: 1\n");
  REQUIRE_FALSE(l.status.ok());
  CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":3"));
  CHECK_THAT(Msg(l.status), Catch::Contains("YAML syntax error"));
}

TEST_CASE("LoadCollectorConfigFile rejects an unknown top-level key naming it and its line",
          "[collector][config]") {
  Loaded l = Load("grpc: {}\nweb: {}\nstorage:\n  path: /var/lib\n");
  CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":3"));
  CHECK_THAT(Msg(l.status), Catch::Contains("\"storage\""));
  CHECK_THAT(Msg(l.status), Catch::Contains("unknown key"));
}

TEST_CASE("LoadCollectorConfigFile rejects unknown nested keys with their dotted path",
          "[collector][config]") {
  struct Case {
    const char* yaml;
    const char* field;
  };
  for (Case c :
       {Case{"grpc:\n  listen: x\n", "\"grpc.listen\""},
        Case{"grpc:\n  tls:\n    server_name: x\n", "\"grpc.tls.server_name\""},
        Case{"web:\n  tls: {}\n", "\"web.tls\""}, Case{"hosts:\n  job: node\n", "\"hosts.job\""},
        Case{"log:\n  lvl: info\n", "\"log.lvl\""}}) {
    INFO(c.yaml);
    Loaded l = Load(c.yaml);
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains(c.field));
    CHECK_THAT(Msg(l.status), Catch::Contains("unknown key"));
  }
}

TEST_CASE("LoadCollectorConfigFile rejects bad durations naming the field", "[collector][config]") {
  for (const char* key : {"default_interval", "staleness"}) {
    for (const char* bad : {"15", "soon", "-1m"}) {
      INFO(key << ": " << bad);
      Loaded l = Load(std::string("hosts:\n  ") + key + ": " + bad + "\n");
      CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
      CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":2"));
      CHECK_THAT(Msg(l.status), Catch::Contains(std::string("\"hosts.") + key + "\""));
      CHECK_THAT(Msg(l.status), Catch::Contains(std::string("\"") + bad + "\""));
    }
  }
}

TEST_CASE("LoadCollectorConfigFile checks staleness_intervals is between 1 and 1000",
          "[collector][config]") {
  for (const char* bad : {"0", "-1", "1001"}) {
    INFO(bad);
    Loaded l =
        Load(std::string("hosts:\n  default_job: node\n  staleness_intervals: ") + bad + "\n");
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":3"));
    CHECK_THAT(Msg(l.status), Catch::Contains("\"hosts.staleness_intervals\""));
    CHECK_THAT(Msg(l.status), Catch::Contains("between 1 and 1000"));
    CHECK(l.config.hosts.staleness_intervals == 5);
  }
  for (int good : {1, 1000}) {
    INFO(good);
    Loaded l = Load("hosts:\n  staleness_intervals: " + std::to_string(good) + "\n");
    REQUIRE(l.status.ok());
    CHECK(l.config.hosts.staleness_intervals == good);
  }
  Loaded l = Load("hosts:\n  staleness_intervals: 2.5\n");
  CHECK_THAT(Msg(l.status), Catch::Contains("expected an integer"));
}

TEST_CASE("LoadCollectorConfigFile checks max_series_per_host is positive", "[collector][config]") {
  for (const char* bad : {"0", "-5"}) {
    INFO(bad);
    Loaded l = Load(std::string("hosts:\n  max_series_per_host: ") + bad + "\n");
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":2"));
    CHECK_THAT(Msg(l.status), Catch::Contains("\"hosts.max_series_per_host\": must be positive"));
    CHECK(l.config.hosts.max_series_per_host == 200000u);
  }
}

TEST_CASE("LoadCollectorConfigFile reads the limits", "[collector][config][limits]") {
  Loaded l = Load(
      "hosts:\n  max_series_total: 1000\n  max_hosts: 20\n  max_hosts_per_client: 3\n"
      "ingest:\n  hello_timeout: 5s\n  max_samples_per_second: 50.5\n"
      "  max_timestamp_future: 1m\n  max_timestamp_age: 2h\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.hosts.max_series_total == 1000u);
  CHECK(l.config.hosts.max_hosts == 20u);
  CHECK(l.config.hosts.max_hosts_per_client == 3u);
  CHECK(l.config.ingest.hello_timeout == absl::Seconds(5));
  CHECK(l.config.ingest.max_samples_per_second == 50.5);
  CHECK(l.config.hosts.max_timestamp_future == absl::Minutes(1));
  CHECK(l.config.hosts.max_timestamp_age == absl::Hours(2));
  CHECK(ValidateCollectorConfig(l.config).ok());
}

TEST_CASE("Bad limits are refused naming the key", "[collector][config][limits]") {
  struct Case {
    const char* yaml;
    const char* error;
  };
  const Case load_errors[] = {
      {"hosts:\n  max_series_total: 0\n", "\"hosts.max_series_total\": must be positive"},
      {"hosts:\n  max_hosts: -1\n", "\"hosts.max_hosts\": must be positive"},
      {"hosts:\n  max_hosts_per_client: 0\n", "\"hosts.max_hosts_per_client\": must be positive"},
      {"ingest:\n  max_samples_per_second: fast\n", "ingest.max_samples_per_second"},
      {"ingest:\n  max_samples_per_second: -1\n", "ingest.max_samples_per_second"},
      {"ingest:\n  hello_timeout: soon\n", "hello_timeout"},
      {"ingest:\n  max_body: 1\n", "max_body"},
  };
  for (const Case& c : load_errors) {
    Loaded l = Load(c.yaml);
    INFO(c.yaml);
    REQUIRE_FALSE(l.status.ok());
    CHECK_THAT(Msg(l.status), Catch::Contains(c.error));
  }
  const Case invalid[] = {
      {"ingest:\n  hello_timeout: 0s\n", "ingest.hello_timeout must be between 1s and 1h"},
      {"ingest:\n  hello_timeout: 2h\n", "ingest.hello_timeout must be between 1s and 1h"},
      {"ingest:\n  max_timestamp_future: 0s\n", "ingest.max_timestamp_future"},
      {"ingest:\n  max_timestamp_age: 30s\n", "ingest.max_timestamp_age"},
  };
  for (const Case& c : invalid) {
    Loaded l = Load(c.yaml);
    INFO(c.yaml);
    REQUIRE(l.status.ok());
    absl::Status s = ValidateCollectorConfig(l.config);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(Msg(s), Catch::Contains(c.error));
  }
}

TEST_CASE("LoadCollectorConfigFile rejects wrongly shaped sections and values",
          "[collector][config]") {
  struct Case {
    const char* yaml;
    const char* expect;
  };
  for (Case c :
       {Case{"grpc: 0.0.0.0:9710\n", "\"grpc\": expected a mapping"},
        Case{"grpc:\n  tls: on\n", "\"grpc.tls\": expected a mapping"},
        Case{"web:\n  listen_address: [a]\n", "\"web.listen_address\": expected a string"},
        Case{"hosts:\n  default_job: {a: b}\n", "\"hosts.default_job\": expected a string"},
        Case{"hosts: []\n", "\"hosts\": expected a mapping"}}) {
    INFO(c.yaml);
    Loaded l = Load(c.yaml);
    CHECK(l.status.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(l.status), Catch::Contains(c.expect));
    CHECK_THAT(Msg(l.status), Catch::Contains(l.path + ":"));
  }
}

TEST_CASE("ValidateCollectorConfig rejects an empty or non-UTF-8 default job",
          "[collector][config]") {
  CollectorConfig c;
  c.hosts.default_job = "";
  CHECK_THAT(Msg(ValidateCollectorConfig(c)), Catch::Contains("hosts.default_job"));
  c.hosts.default_job = "no\xFF";
  CHECK_THAT(Msg(ValidateCollectorConfig(c)), Catch::Contains("hosts.default_job"));
  c.hosts.default_job =
      "n\xC3\xB6"
      "de";
  CHECK(ValidateCollectorConfig(c).ok());
}

TEST_CASE("ValidateCollectorConfig rejects a non-positive default interval",
          "[collector][config]") {
  Loaded l = Load("hosts:\n  default_interval: 0s\n");
  REQUIRE(l.status.ok());
  absl::Status s = ValidateCollectorConfig(l.config);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(s), Catch::Contains("hosts.default_interval must be positive"));
  CollectorConfig c;
  c.hosts.default_interval = absl::Milliseconds(1);
  CHECK(ValidateCollectorConfig(c).ok());
}

TEST_CASE("ValidateCollectorConfig rejects an unknown log level", "[collector][config]") {
  Loaded l = Load("log:\n  level: trace\n");
  REQUIRE(l.status.ok());
  CHECK(l.config.log_level == "trace");
  CHECK_THAT(Msg(ValidateCollectorConfig(l.config)), Catch::Contains("log level \"trace\""));
}

}  // namespace
}  // namespace hostmon::collector
