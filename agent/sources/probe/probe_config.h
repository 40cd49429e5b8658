// SPDX-License-Identifier: Apache-2.0
//
// The probe source's targets file (sources_options.probe.config=FILE): what to probe, how and
// how often. Loaded strictly with common::YamlConfig: an unknown key, a key of another module, a
// wrong type or a duplicate target name is an error naming file:line, the field and the target.
//
//   interval: 15s                  # default of every target's interval
//   targets:
//     - {name: api, module: http, url: "http://127.0.0.1:8080/healthz", class: api}
//     - {name: db1, module: tcp,  address: "db1.example.org:5432",     class: intra_dc}
//     - {name: eu,  module: icmp, host: "eu-west.example.org",         class: regional}
//     - {name: ns,  module: dns,  server: "10.0.0.53", query_name: example.org}
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/net/tcp_connect.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace hostmon::agent::probe {

enum class Module { kTcp, kHttp, kIcmp, kDns };
const char* ModuleName(Module m);

// An accepted HTTP status: one code (200) or a class (2xx = 200..299).
struct StatusRange {
  int low = 200;
  int high = 299;
};

struct TargetConfig {
  std::string name;              // the target="<name>" label; unique in the file
  Module module = Module::kTcp;  // the module="<tcp|http|icmp>" label
  std::string klass = "none";    // the class="<...>" label the default rules key on
  absl::Duration interval = absl::Seconds(15);
  absl::Duration timeout = absl::Seconds(5);  // deadline of one probe; default min(5s, interval)
  net::IpPreference ip = net::IpPreference::kAny;

  // tcp
  std::string address;          // host:port
  bool tls = false;             // TLS handshake after the connect
  std::string tls_server_name;  // SNI and verified name; default the host of address

  // http
  std::string url;
  std::string method = "GET";
  std::vector<StatusRange> valid_status_codes;  // empty: 2xx
  std::string body_regex;                       // RE2; the body must match (PartialMatch)
  std::shared_ptr<const re2::RE2> body_re;      // compiled body_regex, or null
  bool follow_redirects = true;

  // tcp with tls, http(s)
  std::string ca_file;    // PEM bundle; default the system's CA store
  bool insecure = false;  // skip certificate verification (logged once)

  // icmp
  std::string host;
  int count = 3;  // echoes per round

  // dns
  std::string server;  // host[:port] of the DNS server asked (UDP; port 53 by default)
  std::string query_name;
  std::string query_type = "A";
  uint16_t query_type_code = 1;
  std::vector<int> valid_rcodes = {0};  // NOERROR
};

struct ProbeConfig {
  absl::Duration interval = absl::Seconds(15);
  std::vector<TargetConfig> targets;
};

absl::StatusOr<ProbeConfig> LoadProbeConfig(const std::string& path);
// `text` as if it were the file `name`; relative CA files are resolved against name's directory.
absl::StatusOr<ProbeConfig> ParseProbeConfig(const std::string& text, const std::string& name);

// Whether `code` is accepted by `ranges` (empty = 2xx).
bool StatusAccepted(const std::vector<StatusRange>& ranges, long code);

}  // namespace hostmon::agent::probe
