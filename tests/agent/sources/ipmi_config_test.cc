// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "common/fs_root.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent::ipmi {
namespace {

using Catch::Matchers::Contains;

struct Files {
  Files() {
    dir.Write("pw", "secret-pw\n");
    dir.Write("kg_hex", "0x0102ff\n");
    dir.Write("kg_raw", "rawkey");
    dir.Write("long_pw", "123456789012345678901\n");
  }
  absl::StatusOr<std::vector<IpmiTarget>> Parse(const std::string& yaml) {
    return ParseIpmiTargets(yaml, "ipmi.yml", dir.File("ipmi.yml"), absl::Seconds(10));
  }
  std::string Error(const std::string& yaml) {
    auto r = Parse(yaml);
    return r.ok() ? "OK" : std::string(r.status().message());
  }
  testing::ScopedTempDir dir;
};

TEST_CASE("ParseIpmiTargets reads every key of a target", "[agent][ipmi]") {
  Files f;
  auto targets = f.Parse(R"(
targets:
  - name: web-01-bmc
    host: 10.1.2.3
    port: 6230
    username: monitor
    password_file: pw
    k_g_file: kg_hex
    cipher_suite: 17
    privilege: operator
    workaround_flags: [opensesspriv, intel20]
    timeout: 2500ms
    collectors: [ipmi, sel, dcmi]
    exclude_sensor_ids: [12, 13]
    labels: {rack: a1, dc: fra}
  - name: minimal
    host: bmc2.example.org
    password_file: pw
)");
  REQUIRE(targets.ok());
  REQUIRE(targets->size() == 2);
  const IpmiTarget& t = (*targets)[0];
  CHECK(t.name == "web-01-bmc");
  CHECK(t.host == "10.1.2.3");
  CHECK(t.port == 6230);
  CHECK(t.username == "monitor");
  CHECK(t.password == "secret-pw");  // one trailing newline removed
  CHECK(t.k_g == std::string("\x01\x02\xff"));
  CHECK(t.cipher_suite == 17);
  CHECK(t.privilege == kPrivilegeOperator);
  CHECK(t.workaround_flags == (0x10u | 0x02u));
  CHECK(t.timeout == absl::Milliseconds(2500));
  CHECK(t.collectors.sensors);
  CHECK(t.collectors.sel);
  CHECK(t.collectors.dcmi);
  CHECK_FALSE(t.collectors.chassis);
  CHECK(t.exclude_sensor_ids == std::vector<int64_t>{12, 13});
  CHECK(t.labels ==
        std::vector<std::pair<std::string, std::string>>{{"dc", "fra"}, {"rack", "a1"}});
  const IpmiTarget& m = (*targets)[1];
  CHECK(m.port == 623);
  CHECK(m.cipher_suite == 3);
  CHECK(m.privilege == kPrivilegeUser);
  CHECK(m.timeout == absl::Seconds(10));
  CHECK(m.collectors.sensors);  // ipmi_exporter's default set minus bmc and dcmi
  CHECK(m.collectors.chassis);
  CHECK_FALSE(m.collectors.sel);
  CHECK_FALSE(m.collectors.dcmi);
  CHECK(m.k_g.empty());
}

TEST_CASE("ParseIpmiTargets: an empty file or empty list means no targets", "[agent][ipmi]") {
  Files f;
  CHECK(f.Parse("")->empty());
  CHECK(f.Parse("targets: []\n")->empty());
}

TEST_CASE("ParseIpmiTargets: raw K_g, absolute secret paths", "[agent][ipmi]") {
  Files f;
  auto t = f.Parse("targets:\n  - {name: a, host: h, password_file: " + f.dir.File("pw") +
                   ", k_g_file: kg_raw}\n");
  REQUIRE(t.ok());
  CHECK((*t)[0].k_g == "rawkey");
  CHECK((*t)[0].password == "secret-pw");
}

TEST_CASE("ParseIpmiTargets names file, line and field of every mistake", "[agent][ipmi]") {
  Files f;
  const std::string head = "targets:\n  - name: a\n    host: h\n    password_file: pw\n";
  CHECK_THAT(f.Error("target: []\n"), Contains("ipmi.yml:1: field \"target\": unknown key"));
  CHECK_THAT(f.Error("targets: {a: 1}\n"),
             Contains("field \"targets\": expected a list of targets"));
  CHECK_THAT(f.Error(head + "    pasword: x\n"),
             Contains("ipmi.yml:5: field \"targets[0].pasword\": unknown key"));
  CHECK_THAT(f.Error("targets:\n  - host: h\n    password_file: pw\n"),
             Contains("field \"targets[0].name\": required"));
  CHECK_THAT(f.Error("targets:\n  - name: a\n    password_file: pw\n"),
             Contains("field \"targets[0].host\": required"));
  CHECK_THAT(f.Error("targets:\n  - name: a\n    host: h\n"),
             Contains("field \"targets[0].password_file\": required"));
  CHECK_THAT(f.Error("targets:\n  - name: a\n    host: h\n    password_file: nope\n"),
             Contains("ipmi.yml:4: field \"targets[0].password_file\": "));
  CHECK_THAT(f.Error("targets:\n  - name: a\n    host: h\n    password_file: long_pw\n"),
             Contains("longer than IPMI 2.0's 20 bytes"));
  CHECK_THAT(f.Error(head + "    privilege: root\n"),
             Contains("ipmi.yml:5: field \"targets[0].privilege\": expected user, operator or "
                      "admin, got \"root\""));
  CHECK_THAT(f.Error(head + "    cipher_suite: 4\n"), Contains("unsupported cipher suite 4"));
  CHECK_THAT(f.Error(head + "    cipher_suite: three\n"), Contains("expected an integer"));
  CHECK_THAT(f.Error(head + "    port: 70000\n"), Contains("must be 1..65535"));
  CHECK_THAT(f.Error(head + "    workaround_flags: [opensespriv]\n"),
             Contains("unknown flag \"opensespriv\""));
  CHECK_THAT(f.Error(head + "    collectors: [ipmi, sel-events]\n"),
             Contains("ipmi.yml:5: field \"targets[0].collectors\": ipmi_exporter's "
                      "\"sel-events\" collector is not implemented by hostmon"));
  CHECK_THAT(f.Error(head + "    collectors: [foo]\n"), Contains("unknown collector \"foo\""));
  CHECK_THAT(f.Error(head + "    collectors: []\n"), Contains("at least one collector"));
  CHECK_THAT(f.Error(head + "    timeout: soon\n"), Contains("expected a duration"));
  CHECK_THAT(f.Error(head + "    timeout: 10ms\n"), Contains("at least 100ms"));
  CHECK_THAT(f.Error(head + "    labels: {target: x}\n"), Contains("\"target\" is reserved"));
  CHECK_THAT(f.Error(head + "    labels: {1bad: x}\n"), Contains("invalid label name \"1bad\""));
  CHECK_THAT(f.Error(head + "    exclude_sensor_ids: [x]\n"), Contains("expected record IDs"));
  CHECK_THAT(f.Error(head + "    k_g_file: pw\n    host2: x\n"), Contains("unknown key"));
  CHECK_THAT(f.Error("targets:\n  - name: a\n    host: 10.0.0.1:623\n    password_file: pw\n"),
             Contains("without port"));
  CHECK_THAT(f.Error(head + "  - name: a\n    host: h2\n    password_file: pw\n"),
             Contains("ipmi.yml:5: field \"targets[1].name\": duplicate target name \"a\""));
  CHECK_THAT(f.Error("targets:\n  - [a, b]\n"), Contains("expected a mapping"));
  CHECK_THAT(f.Error("targets: [\n"), Contains("YAML syntax error"));
  f.dir.Write("bad_kg", "0xzz\n");
  CHECK_THAT(f.Error(head + "    k_g_file: bad_kg\n"), Contains("must be hex"));
}

TEST_CASE("The shipped example targets file loads", "[agent][ipmi]") {
  Files f;
  std::string text;
  REQUIRE(
      common::ReadFileTo(HOSTMON_FIXTURE_DIR "/../../deploy/config/ipmi-targets.example.yml", &text)
          .ok());
  std::filesystem::create_directory(f.dir.File("ipmi"));
  f.dir.Write("ipmi/web-01-bmc.pw", "pw\n");
  auto t = ParseIpmiTargets(text, "ipmi-targets.example.yml",
                            f.dir.File("ipmi-targets.example.yml"), absl::Seconds(10));
  REQUIRE(t.ok());
  CHECK((*t)[0].name == "web-01-bmc");
}

TEST_CASE("LoadIpmiTargets resolves secret files next to the targets file", "[agent][ipmi]") {
  Files f;
  const std::string path =
      f.dir.Write("targets.yml", "targets:\n  - {name: a, host: h, password_file: pw}\n");
  auto t = LoadIpmiTargets(path, absl::Seconds(3));
  REQUIRE(t.ok());
  CHECK((*t)[0].password == "secret-pw");
  CHECK((*t)[0].timeout == absl::Seconds(3));
  CHECK_THAT(
      std::string(LoadIpmiTargets(f.dir.File("missing.yml"), absl::Seconds(3)).status().message()),
      Contains("ipmi targets file"));
}

}  // namespace
}  // namespace hostmon::agent::ipmi
