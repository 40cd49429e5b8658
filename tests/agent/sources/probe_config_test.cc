// SPDX-License-Identifier: Apache-2.0
// The probe source's targets file: golden parse of every key, and each kind of mistake named by
// file, line, field and target.
#include "agent/sources/probe/probe_config.h"

#include <catch2/catch.hpp>

#include "agent/sources/probe/dns_packet.h"
#include "agent/sources/probe/probe_modules.h"
#include "fakes/fixtures.h"
#include "re2/re2.h"

namespace hostmon::agent::probe {
namespace {

std::string Error(const std::string& text) {
  auto c = ParseProbeConfig(text, "/etc/hostmon/probes.yml");
  REQUIRE_FALSE(c.ok());
  return std::string(c.status().message());
}

TEST_CASE("probe config: golden parse of every key", "[probe]") {
  const std::string path = testing::FixturePath("probe/probes.yml");
  auto c = LoadProbeConfig(path);
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  CHECK(c->interval == absl::Seconds(30));
  REQUIRE(c->targets.size() == 5);

  const TargetConfig& api = c->targets[0];
  CHECK(api.name == "api");
  CHECK(api.module == Module::kHttp);
  CHECK(api.klass == "api");
  CHECK(api.interval == absl::Seconds(30));  // the file's default
  CHECK(api.timeout == absl::Seconds(2));
  CHECK(api.method == "HEAD");
  REQUIRE(api.valid_status_codes.size() == 2);
  CHECK(api.valid_status_codes[0].low == 200);
  CHECK(api.valid_status_codes[0].high == 200);
  CHECK(api.valid_status_codes[1].low == 300);
  CHECK(api.valid_status_codes[1].high == 399);
  REQUIRE(api.body_re != nullptr);
  CHECK(RE2::PartialMatch("all healthy", *api.body_re));
  CHECK_FALSE(api.follow_redirects);
  CHECK(api.ca_file == testing::FixturePath("probe/ca.pem"));  // relative to the file
  CHECK(api.ip == net::IpPreference::kIpv4Only);

  const TargetConfig& web = c->targets[1];
  CHECK(web.klass == "web");
  CHECK(web.method == "GET");
  CHECK(web.timeout == absl::Seconds(5));
  CHECK(web.follow_redirects);
  CHECK(web.valid_status_codes.empty());
  CHECK(web.body_re == nullptr);

  const TargetConfig& db = c->targets[2];
  CHECK(db.module == Module::kTcp);
  CHECK(db.address == "db1.example.org:5432");
  CHECK(db.interval == absl::Minutes(1));
  CHECK(db.tls);
  CHECK(db.tls_server_name == "db.example.org");
  CHECK(db.insecure);

  const TargetConfig& eu = c->targets[3];
  CHECK(eu.module == Module::kIcmp);
  CHECK(eu.host == "eu-west.example.org");
  CHECK(eu.count == 5);
  CHECK(eu.ip == net::IpPreference::kIpv6Only);
  CHECK(eu.klass == "regional");

  const TargetConfig& ns = c->targets[4];
  CHECK(ns.module == Module::kDns);
  CHECK(ns.server == "10.0.0.53");
  CHECK(ns.query_name == "example.org.");
  CHECK(ns.query_type_code == 28);
  CHECK(ns.valid_rcodes == std::vector<int>{0, 3});
}

TEST_CASE("probe config: defaults and an empty file", "[probe]") {
  auto c = ParseProbeConfig("targets:\n  - {name: a, module: tcp, address: 'h:1'}\n", "f.yml");
  REQUIRE(c.ok());
  CHECK(c->interval == absl::Seconds(15));
  CHECK(c->targets[0].klass == "none");
  CHECK(c->targets[0].tls_server_name.empty());
  auto tls = ParseProbeConfig("targets:\n  - {name: a, module: tcp, address: 'h:1', tls: true}\n",
                              "f.yml");
  REQUIRE(tls.ok());
  CHECK(tls->targets[0].tls_server_name == "h");  // from the address
  auto empty = ParseProbeConfig("", "f.yml");
  REQUIRE(empty.ok());
  CHECK(empty->targets.empty());
}

TEST_CASE("probe config: mistakes name the file, line, field and target", "[probe]") {
  // Duplicate target name: the second one's line.
  CHECK(Error("targets:\n"
              "  - {name: api, module: tcp, address: 'a:1'}\n"
              "  - {name: api, module: tcp, address: 'b:1'}\n") ==
        "/etc/hostmon/probes.yml:3: field \"targets[1].name\": duplicate target name \"api\" "
        "(target \"api\")");
  // Unknown key.
  CHECK(Error("targets:\n  - {name: api, module: tcp, address: 'a:1', adress: x}\n")
            .find("/etc/hostmon/probes.yml:2: field \"targets[0].adress\": unknown key") == 0);
  CHECK(Error("targets:\n  - {name: api, module: tcp, address: 'a:1', adress: x}\n")
            .find("(target \"api\")") != std::string::npos);
  CHECK(Error("intervall: 5s\n")
            .find("/etc/hostmon/probes.yml:1: field \"intervall\": unknown key") == 0);
  // Missing fields.
  CHECK(Error("targets:\n  - {module: tcp, address: 'a:1'}\n") ==
        "/etc/hostmon/probes.yml:2: field \"targets[0].name\": required (becomes the target "
        "label)");
  CHECK(Error("targets:\n  - {name: x}\n") ==
        "/etc/hostmon/probes.yml:2: field \"targets[0].module\": required: tcp, http, icmp or "
        "dns (target \"x\")");
  CHECK(Error("targets:\n  - {name: x, module: tcp}\n")
            .find("field \"targets[0].address\": required for module tcp") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: http}\n")
            .find("field \"targets[0].url\": required for module http") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: icmp}\n")
            .find("field \"targets[0].host\": required for module icmp") != std::string::npos);
  // Bad values.
  CHECK(Error("targets:\n  - {name: x, module: udp}\n")
            .find("expected tcp, http, icmp or dns, got \"udp\" (target \"x\")") !=
        std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: tcp, address: 'a:1', timeout: soon}\n")
            .find("/etc/hostmon/probes.yml:2: field \"targets[0].timeout\": expected a duration") ==
        0);
  CHECK(Error("targets:\n  - {name: x, module: tcp, address: 'a:1', timeout: 20s}\n")
            .find("must not exceed the target's interval") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: tcp, address: 'a'}\n").find("expected host:port") !=
        std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: http, url: 'ftp://a/'}\n")
            .find("must start with http:// or https://") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: http, url: 'http://a/', valid_status_codes: "
              "[2xx, 700]}\n")
            .find("got \"700\"") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: http, url: 'http://a/', body_regex: '('}\n")
            .find("field \"targets[0].body_regex\": invalid RE2 pattern") != std::string::npos);
  CHECK(
      Error("targets:\n  - {name: x, module: icmp, host: h, count: 0}\n").find("must be 1..100") !=
      std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: icmp, host: h, ip_protocol: ip5}\n")
            .find("expected any, ip4 or ip6") != std::string::npos);
  CHECK(Error("targets: {name: x}\n").find("expected a list of targets") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: dns, server: ns}\n")
            .find("field \"targets[0].query_name\": required for module dns") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: dns, server: ns, query_name: a..b}\n")
            .find("not a valid DNS name") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: dns, server: ns, query_name: a, query_type: "
              "ANY}\n")
            .find("got \"ANY\"") != std::string::npos);
  CHECK(Error("targets:\n  - {name: x, module: dns, server: ns, query_name: a, valid_rcodes: "
              "[OK]}\n")
            .find("got \"OK\"") != std::string::npos);
  // A key of another module.
  CHECK(Error("targets:\n  - {name: x, module: tcp, address: 'a:1', url: 'http://a/'}\n") ==
        "/etc/hostmon/probes.yml:2: field \"targets[0].url\": not a key of module tcp "
        "(target \"x\")");
  CHECK(Error("targets:\n  - {name: x, module: tcp, address: 'a:1', ca_file: c.pem}\n")
            .find("needs tls: true") != std::string::npos);
  // Not YAML at all.
  CHECK(Error("targets: [\n").find("/etc/hostmon/probes.yml") == 0);
}

TEST_CASE("probe config: the shipped example parses", "[probe]") {
  auto c =
      LoadProbeConfig(std::string(HOSTMON_FIXTURE_DIR) + "/../../deploy/config/probes.example.yml");
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  CHECK(c->targets.size() == 6);
}

TEST_CASE("probe config: status code ranges", "[probe]") {
  CHECK(StatusAccepted({}, 200));
  CHECK(StatusAccepted({}, 299));
  CHECK_FALSE(StatusAccepted({}, 301));
  CHECK_FALSE(StatusAccepted({}, 0));
  CHECK(StatusAccepted({{301, 302}}, 302));
  CHECK_FALSE(StatusAccepted({{301, 302}}, 200));
}

TEST_CASE("probe: certificate expiry from libcurl's certinfo", "[probe]") {
  // Golden: the earliest of two; a truncated or garbled line is skipped.
  CHECK(EarliestExpireDate({"Expire date:Jan  2 03:04:05 2030 GMT",
                            "Expire date:Dec 31 23:59:59 2029 GMT"}) == 1893455999.0);
  CHECK(EarliestExpireDate({"Expire date:Jan  2 03:04:05 2030 GMT", "Expire date:Jan  2 03:"}) ==
        1893553445.0);
  CHECK_FALSE(EarliestExpireDate({"Expire date:tomorrow"}).has_value());
  CHECK_FALSE(EarliestExpireDate({"Start date:Jan  2 03:04:05 2030 GMT"}).has_value());
  CHECK_FALSE(EarliestExpireDate({}).has_value());
}

TEST_CASE("probe: DNS query and reply header (RFC 1035 4.1)", "[probe]") {
  // Golden: id 0x1234, RD, one question example.org AAAA IN.
  auto q = BuildDnsQuery(0x1234, "example.org.", 28);
  REQUIRE(q.ok());
  CHECK(*q == std::string("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                          "\x07"
                          "example"
                          "\x03org\x00\x00\x1c\x00\x01",
                          29));
  CHECK_FALSE(BuildDnsQuery(1, "", 1).ok());
  CHECK_FALSE(BuildDnsQuery(1, "a..b", 1).ok());
  CHECK_FALSE(BuildDnsQuery(1, std::string(64, 'a') + ".org", 1).ok());
  CHECK_FALSE(BuildDnsQuery(1, std::string(254, 'a'), 1).ok());

  // A reply: QR, RD, RA, NXDOMAIN, 1 question, 0 answers, 1 authority, 2 additional.
  const std::string reply("\x12\x34\x81\x83\x00\x01\x00\x00\x00\x01\x00\x02", 12);
  auto r = ParseDnsReplyHeader(reply);
  REQUIRE(r.ok());
  CHECK(r->id == 0x1234);
  CHECK(r->rcode == 3);
  CHECK(DnsRcodeName(r->rcode) == "NXDOMAIN");
  CHECK(r->answers == 0);
  CHECK(r->authority == 1);
  CHECK(r->additional == 2);
  CHECK_FALSE(r->truncated);
  // Truncated, and a query instead of a reply.
  CHECK(ParseDnsReplyHeader(reply.substr(0, 11)).status().message() ==
        "DNS reply of 11 bytes: shorter than its 12-byte header");
  CHECK_FALSE(ParseDnsReplyHeader(q->substr(0, 12)).ok());
  CHECK(DnsTypeCode("srv") == 33);
  CHECK(DnsTypeCode("ANY") == -1);
  CHECK(DnsRcodeCode("refused") == 5);
  CHECK(DnsRcodeName(9) == "RCODE9");
}

}  // namespace
}  // namespace hostmon::agent::probe
