// SPDX-License-Identifier: Apache-2.0
#include "collector/collector_app.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <string>

#include "fakes/temp_dir.h"

namespace hostmon::collector {
namespace {

std::string Why(const std::optional<common::StartError>& e) {
  return e ? e->message + " " + e->fields : std::string("(no error)");
}

TEST_CASE("CheckCollectorStart accepts the defaults", "[collector][check_config]") {
  std::optional<common::StartError> e = CheckCollectorStart(CollectorConfig());
  INFO(Why(e));
  CHECK(!e.has_value());
}

TEST_CASE("CheckCollectorStart refuses what a start refuses", "[collector][check_config]") {
  testing::ScopedTempDir dir;
  struct Case {
    const char* what;
    std::function<void(CollectorConfig*)> change;
    const char* message;
  };
  const std::string missing = dir.File("missing.pem");
  const std::string broken_rules = dir.File("rules.yml");
  std::ofstream(broken_rules)
      << "groups: [{name: g, rules: [{alert: A, expr: 'up ==', for: 1m}]}]\n";
  const std::string bad_web = dir.Write("web.yml", "basic_auth_users:\n  alice: plain\n");
  const Case cases[] = {
      {"plaintext gRPC on all interfaces",
       [](CollectorConfig* c) { c->grpc_listen_address = "0.0.0.0:9710"; },
       "refusing to serve gRPC without TLS"},
      {"unreadable TLS files",
       [&](CollectorConfig* c) {
         c->tls.cert_file = missing;
         c->tls.key_file = missing;
       },
       "missing.pem"},
      {"a web listen address without a port",
       [](CollectorConfig* c) { c->web_listen_address = "localhost"; }, "web listen address"},
      {"a web listen port out of range",
       [](CollectorConfig* c) { c->web_listen_address = ":70000"; }, "web listen address"},
      {"a broken rules file", [&](CollectorConfig* c) { c->alerting.rule_files = {broken_rules}; },
       "rules.yml"},
      {"a remote_write URL that is not http(s)",
       [](CollectorConfig* c) { c->remote_write.emplace_back().url = "ftp://example.org/"; },
       "remote_write"},
      {"an Alertmanager URL that is not http(s)",
       [](CollectorConfig* c) { c->alerting.alertmanager_urls = {"ftp://example.org"}; },
       "ftp://example.org"},
      {"an empty default job", [](CollectorConfig* c) { c->hosts.default_job = ""; },
       "default_job"},
      {"a web config file with a plain-text password",
       [&](CollectorConfig* c) { c->web_config_file = bad_web; },
       "web.yml:2: field \\\"basic_auth_users.alice\\\": not a bcrypt hash"},
      {"a missing web config file", [&](CollectorConfig* c) { c->web_config_file = missing; },
       "missing.pem"},
      {"no web connections allowed", [](CollectorConfig* c) { c->web_max_connections = 0; },
       "web.max_connections"},
      {"a web read timeout of 0", [](CollectorConfig* c) { c->web_read_timeout = {}; },
       "web.read_timeout"},
  };
  for (const Case& k : cases) {
    INFO(k.what);
    CollectorConfig c;
    k.change(&c);
    std::optional<common::StartError> e = CheckCollectorStart(c);
    REQUIRE(e.has_value());
    CHECK(e->exit_code == 2);
    CHECK_THAT(e->fields, Catch::Contains(k.message));
  }
}

}  // namespace
}  // namespace hostmon::collector
