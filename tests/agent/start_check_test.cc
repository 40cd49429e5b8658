// SPDX-License-Identifier: Apache-2.0
#include "agent/start_check.h"

#include <catch2/catch.hpp>
#include <string>

#include "agent/slow_tier.h"
#include "agent/source_registry.h"
#include "common/host_identity.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

// Only the fixture's procfs, so that the default sources build without reading the build host.
struct Checked {
  std::optional<common::StartError> error;
  AgentConfig config;
};

Checked Check(AgentConfig c, bool connects = true) {
  c.procfs = std::string(HOSTMON_FIXTURE_DIR) + "/proc";
  c.sysfs = std::string(HOSTMON_FIXTURE_DIR) + "/sys";
  c.rootfs = std::string(HOSTMON_FIXTURE_DIR) + "/rootfs";
  // Every declared option at its default, as ApplyAgentFlags leaves them for a start.
  for (const SourceInfo& info : BuiltinSources()) {
    for (const SourceOption& o : EffectiveOptions(info)) {
      c.source_options[info.name].emplace(o.name, o.default_value);
    }
  }
  Checked out;
  out.config = c;
  common::FsRoot fs(out.config.procfs, out.config.sysfs, out.config.rootfs);
  AgentSources sources;
  out.error = CheckAgentStart(&out.config, &fs, connects, &sources);
  return out;
}

TEST_CASE("CheckAgentStart accepts the defaults and fills in the host name",
          "[agent][check_config]") {
  Checked c = Check(AgentConfig());
  INFO((c.error ? c.error->message + c.error->fields : std::string()));
  CHECK(!c.error.has_value());
  CHECK(!c.config.hostname.empty());
}

TEST_CASE("CheckAgentStart refuses plaintext to a non-loopback collector, as a start does",
          "[agent][check_config]") {
  AgentConfig c;
  c.collector_address = "192.0.2.1:9710";
  Checked r = Check(c);
  REQUIRE(r.error.has_value());
  CHECK(r.error->exit_code == 2);
  CHECK_THAT(r.error->fields, Catch::Contains("refusing to send without TLS"));
  // Every failover address is checked, not only the first.
  c.collector_address = "127.0.0.1:9710";
  c.collector_addresses = {"127.0.0.1:9710", "collector.example.org:9710"};
  r = Check(c);
  REQUIRE(r.error.has_value());
  CHECK_THAT(r.error->fields, Catch::Contains("collector.example.org:9710"));
  // --once does not connect: its credentials are not checked.
  CHECK(!Check(c, /*connects=*/false).error.has_value());
}

TEST_CASE("CheckAgentStart refuses unreadable TLS files", "[agent][check_config]") {
  testing::ScopedTempDir dir;
  AgentConfig c;
  c.collector_address = "collector.example.org:9710";
  c.tls.ca_file = dir.File("missing-ca.pem");
  Checked r = Check(c);
  REQUIRE(r.error.has_value());
  CHECK(r.error->exit_code == 2);
  CHECK_THAT(r.error->fields, Catch::Contains("missing-ca.pem"));
}

TEST_CASE("CheckAgentStart refuses host names and labels the collector rejects in Hello",
          "[agent][check_config]") {
  for (const std::string& name :
       {std::string(254, 'h'), std::string("bad\nname"), std::string("\xff\xfe", 2)}) {
    AgentConfig c;
    c.hostname = name;
    Checked r = Check(c);
    REQUIRE(r.error.has_value());
    CHECK(r.error->exit_code == 2);
    CHECK_THAT(r.error->fields, Catch::Contains("hostname"));
    CHECK_THAT(r.error->fields, Catch::Contains("1..253 bytes of UTF-8"));
  }
  for (const char* label : {"instance", "__foo", "bad-name"}) {
    INFO(label);
    AgentConfig c;
    c.labels[label] = "x";
    Checked r = Check(c);
    REQUIRE(r.error.has_value());
    CHECK(r.error->exit_code == 2);
    CHECK_THAT(r.error->fields, Catch::Contains(label));
  }
  AgentConfig c;
  c.labels["dc"] = std::string(common::kMaxStaticLabelValueBytes + 1, 'x');
  Checked r = Check(c);
  REQUIRE(r.error.has_value());
  CHECK_THAT(r.error->fields, Catch::Contains("longer than 4096 bytes"));
}

TEST_CASE("CheckAgentStart refuses an unknown source and invalid values", "[agent][check_config]") {
  AgentConfig c;
  c.sources["no-such-source"] = true;
  Checked r = Check(c);
  REQUIRE(r.error.has_value());
  CHECK(r.error->exit_code == 2);
  CHECK_THAT(r.error->fields, Catch::Contains("no-such-source"));
  AgentConfig d;
  d.interval = absl::Milliseconds(10);
  r = Check(d);
  REQUIRE(r.error.has_value());
  CHECK_THAT(r.error->fields, Catch::Contains("interval"));
}

}  // namespace
}  // namespace hostmon::agent
