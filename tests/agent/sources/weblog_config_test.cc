// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_config.h"

#include <catch2/catch.hpp>
#include <string>

namespace hostmon::agent::weblog {
namespace {

std::string Error(const std::string& text) {
  absl::StatusOr<WeblogConfig> c = ParseWeblogConfig(text, "/etc/hostmon/weblogs.yml");
  REQUIRE_FALSE(c.ok());
  return std::string(c.status().message());
}

TEST_CASE("weblog config: every key", "[agent][weblog]") {
  absl::StatusOr<WeblogConfig> c = ParseWeblogConfig(R"(
logs:
  - {name: web, path: /var/log/nginx/access.log, format: nginx_timed, start_at: beginning}
  - name: apache
    path: logs/access.log
    format: apache_timed
    max_line_bytes: 1024
    max_read_bytes: 1048576
  - name: app
    path: /var/log/app.log
    pattern: '^(?P<status>\d{3}) (?P<duration>\d+)$'
    duration_unit: ms
  - {name: plain, path: /var/log/plain.log}
)",
                                                     "/etc/hostmon/weblogs.yml");
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  REQUIRE(c->logs.size() == 4);
  CHECK(c->logs[0].format == Format::kNginxTimed);
  CHECK(c->logs[0].start_at_beginning);
  CHECK(c->logs[0].max_line_bytes == kDefaultMaxLineBytes);
  CHECK(c->logs[1].path == "/etc/hostmon/logs/access.log");  // relative to the config file
  CHECK(c->logs[1].format == Format::kApacheTimed);
  CHECK(c->logs[1].max_line_bytes == 1024);
  CHECK(c->logs[1].max_read_bytes == 1048576);
  CHECK_FALSE(c->logs[1].start_at_beginning);
  CHECK(c->logs[2].format == Format::kCustom);  // a pattern without a format is custom
  CHECK(c->logs[2].duration_scale == 1e-3);
  CHECK(c->logs[3].format == Format::kCombined);

  absl::StatusOr<WeblogConfig> empty = ParseWeblogConfig("", "x.yml");
  REQUIRE(empty.ok());
  CHECK(empty->logs.empty());
}

TEST_CASE("weblog config: errors name file, line and log", "[agent][weblog]") {
  CHECK(Error("logs:\n  - {name: a, path: /a}\n  - {name: a, path: /b}\n") ==
        "/etc/hostmon/weblogs.yml:3: field \"logs[1].name\": duplicate log name a");
  CHECK_THAT(Error("logs:\n  - {path: /a}\n"), Catch::Contains("logs[0].name\": required"));
  CHECK_THAT(Error("logs:\n  - {name: a}\n"), Catch::Contains("logs[0].path\": required"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, format: json}\n"),
             Catch::Contains(":2: field \"logs[0].format\": expected combined, nginx_timed"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, format: custom}\n"),
             Catch::Contains("logs[0].pattern\": required with format custom"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, pattern: '(?P<status>'}\n"),
             Catch::Contains("logs[0].pattern\": invalid RE2 pattern"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, pattern: '(\\d+)'}\n"),
             Catch::Contains("no named group (?P<status>...)"));
  // Perl-only syntax (a lookahead) is not RE2.
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, pattern: '(?P<status>\\d+)(?=x)'}\n"),
             Catch::Contains("invalid RE2 pattern"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, format: combined, pattern: x}\n"),
             Catch::Contains("only with format custom"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, pattern: '(?P<status>x)', duration_unit: h}\n"),
             Catch::Contains("expected s, ms or us"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, start_at: middle}\n"),
             Catch::Contains("expected end or beginning"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, max_line_bytes: 10}\n"),
             Catch::Contains("max_line_bytes\": must be 256.."));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, max_read_bytes: 300}\n"),
             Catch::Contains("max_read_bytes\": must be at least max_line_bytes"));
  CHECK_THAT(Error("logs:\n  - {name: a, path: /a, colour: red}\n"), Catch::Contains("colour"));
  CHECK_THAT(Error("logs: {name: a}\n"), Catch::Contains("expected a list of logs"));
  // A name that is not UTF-8 (raw bytes; YAML's "\xff" escape would be U+00FF) is refused.
  absl::StatusOr<WeblogConfig> raw =
      ParseWeblogConfig("logs:\n  - {name: a\xff, path: /a}\n", "x.yml");
  REQUIRE_FALSE(raw.ok());
  CHECK_THAT(std::string(raw.status().message()), Catch::Contains("x.yml"));
}

TEST_CASE("weblog config: a path that is not UTF-8 is taken byte for byte", "[agent][weblog]") {
  absl::StatusOr<WeblogConfig> c =
      ParseWeblogConfig("logs:\n  - {name: a, path: \"/var/log/caf\xe9.log\"}\n", "x.yml");
  if (c.ok()) {
    REQUIRE(c->logs.size() == 1);
    CHECK(c->logs[0].path == "/var/log/caf\xe9.log");
  } else {
    // yaml-cpp may refuse bytes that are not UTF-8: then with a message naming the file.
    CHECK_THAT(std::string(c.status().message()), Catch::Contains("x.yml"));
  }
}

TEST_CASE("weblog config: the shipped example loads", "[agent][weblog]") {
  absl::StatusOr<WeblogConfig> c =
      LoadWeblogConfig(HOSTMON_FIXTURE_DIR "/../../deploy/config/weblogs.example.yml");
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  CHECK(c->logs.size() == 4);
}

}  // namespace
}  // namespace hostmon::agent::weblog
