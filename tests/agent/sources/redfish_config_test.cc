// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_config.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "fakes/temp_dir.h"

namespace hostmon::agent::redfish {
namespace {

std::string Message(const absl::StatusOr<RedfishConfig>& c) {
  return std::string(c.status().message());
}

TEST_CASE("redfish config: a full target, password from a file", "[redfish]") {
  testing::ScopedTempDir dir;
  std::ofstream(dir.File("bmc.pass")) << "s3cret\n";
  auto c = ParseRedfishConfig(R"(
targets:
  - name: web483-bmc
    url: https://10.0.0.5/
    username: monitor
    password_file: bmc.pass
    auth: basic
    ca_file: /etc/hostmon/bmc-ca.pem
    timeout: 5s
    deadline: 30s
    max_parallel: 2
    labels: {host: web483, rack: r12}
  - name: other
    url: http://127.0.0.1:8000
    auth: none
    insecure: true
)",
                              "targets.yml", dir.File("targets.yml"));
  REQUIRE(c.ok());
  REQUIRE(c->targets.size() == 2);
  const TargetConfig& t = c->targets[0];
  CHECK(t.name == "web483-bmc");
  CHECK(t.url == "https://10.0.0.5");
  CHECK(t.password == "s3cret");
  CHECK(t.auth == Auth::kBasic);
  CHECK(t.timeout == absl::Seconds(5));
  CHECK(t.deadline == absl::Seconds(30));
  CHECK(t.max_parallel == 2);
  CHECK(t.labels ==
        std::vector<std::pair<std::string, std::string>>{{"host", "web483"}, {"rack", "r12"}});
  CHECK(c->targets[1].auth == Auth::kNone);
  CHECK(c->targets[1].insecure);
  CHECK(c->targets[1].timeout == absl::Seconds(10));
}

TEST_CASE("redfish config: errors name file, line and field", "[redfish]") {
  testing::ScopedTempDir dir;
  std::ofstream(dir.File("pw")) << "x";
  auto typo = ParseRedfishConfig("targets:\n  - name: a\n    url: https://x\n    timout: 5s\n",
                                 "t.yml", dir.File("t.yml"));
  REQUIRE_FALSE(typo.ok());
  CHECK(Message(typo).find("t.yml:4: field \"targets[0].timout\": unknown key") == 0);

  auto no_pw = ParseRedfishConfig(
      "targets:\n  - name: a\n    url: https://x\n    username: u\n    password_file: nope\n",
      "t.yml", dir.File("t.yml"));
  REQUIRE_FALSE(no_pw.ok());
  CHECK(Message(no_pw).find("t.yml:5: field \"targets[0].password_file\": cannot read") == 0);

  auto auth = ParseRedfishConfig("targets:\n  - name: a\n    url: https://x\n    auth: digest\n",
                                 "t.yml", dir.File("t.yml"));
  REQUIRE_FALSE(auth.ok());
  CHECK(Message(auth).find("t.yml:4: field \"targets[0].auth\": expected session, basic or none") ==
        0);

  auto url = ParseRedfishConfig("targets:\n  - name: a\n    url: ftp://x\n    auth: none\n",
                                "t.yml", dir.File("t.yml"));
  REQUIRE_FALSE(url.ok());
  CHECK(Message(url).find("t.yml:3: field \"targets[0].url\"") == 0);

  auto dup = ParseRedfishConfig(
      "targets:\n  - {name: a, url: 'https://x', auth: none}\n  - {name: a, url: 'https://y', "
      "auth: none}\n",
      "t.yml", dir.File("t.yml"));
  REQUIRE_FALSE(dup.ok());
  CHECK(Message(dup).find("duplicate target name a") != std::string::npos);

  auto reserved = ParseRedfishConfig(
      "targets:\n  - {name: a, url: 'https://x', auth: none, labels: {target: b}}\n", "t.yml",
      dir.File("t.yml"));
  REQUIRE_FALSE(reserved.ok());
  CHECK(Message(reserved).find("reserved label name \"target\"") != std::string::npos);

  auto deadline = ParseRedfishConfig(
      "targets:\n  - {name: a, url: 'https://x', auth: none, timeout: 10s, deadline: 5s}\n",
      "t.yml", dir.File("t.yml"));
  REQUIRE_FALSE(deadline.ok());
  CHECK(Message(deadline).find("must be at least the timeout") != std::string::npos);

  auto bad_duration =
      ParseRedfishConfig("targets:\n  - {name: a, url: 'https://x', auth: none, timeout: soon}\n",
                         "t.yml", dir.File("t.yml"));
  REQUIRE_FALSE(bad_duration.ok());
  CHECK(Message(bad_duration).find("t.yml:2: field \"targets[0].timeout\"") == 0);
}

TEST_CASE("redfish config: relative password files are next to the targets file", "[redfish]") {
  testing::ScopedTempDir dir;
  dir.Write("bmc.pass", "s3cret\n");
  const std::string text =
      "targets:\n  - {name: a, url: 'https://x', username: u, password_file: bmc.pass}\n";
  // Loaded from its directory, whatever the working directory is.
  const std::string path = dir.Write("targets.yml", text);
  auto loaded = LoadRedfishConfig(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->targets[0].password == "s3cret");
  // A targets file in the root directory: the password file is /bmc.pass, not ./bmc.pass.
  auto at_root = ParseRedfishConfig(text, "/targets.yml", "/targets.yml");
  REQUIRE_FALSE(at_root.ok());
  CHECK(Message(at_root).find("cannot read the password file /bmc.pass") != std::string::npos);
}

}  // namespace
}  // namespace hostmon::agent::redfish
