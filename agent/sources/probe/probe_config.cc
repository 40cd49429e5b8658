// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/probe/probe_config.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/sources/probe/dns_packet.h"
#include "common/exposition.h"
#include "common/fs_root.h"
#include "common/secret_file.h"
#include "common/status_macros.h"
#include "common/yaml_config.h"
#include "re2/re2.h"

namespace hostmon::agent::probe {

const char* ModuleName(Module m) {
  switch (m) {
    case Module::kTcp:
      return "tcp";
    case Module::kHttp:
      return "http";
    case Module::kIcmp:
      return "icmp";
    case Module::kDns:
      return "dns";
  }
  return "?";
}

bool StatusAccepted(const std::vector<StatusRange>& ranges, long code) {
  if (ranges.empty()) return code >= 200 && code <= 299;
  for (const auto& r : ranges) {
    if (code >= r.low && code <= r.high) return true;
  }
  return false;
}

absl::StatusOr<ProbeConfig> LoadProbeConfig(const std::string& path) {
  std::string text;
  if (!common::ReadFileTo(path, &text).ok()) {
    return absl::InvalidArgumentError("cannot read the probe config " + path);
  }
  return ParseProbeConfig(text, path);
}

namespace {

// The keys only some modules take; a key of another module is a mistake worth naming (a tcp
// target with a url probes nothing the operator meant).
struct ModuleKeys {
  Module module;
  std::vector<absl::string_view> keys;
};

const std::vector<ModuleKeys>& KeysByModule() {
  static const auto* keys = new std::vector<ModuleKeys>{
      {Module::kTcp, {"address", "tls", "tls_server_name", "ca_file", "insecure"}},
      {Module::kHttp,
       {"url", "method", "valid_status_codes", "body_regex", "follow_redirects", "ca_file",
        "insecure"}},
      {Module::kIcmp, {"host", "count"}},
      {Module::kDns, {"server", "query_name", "query_type", "valid_rcodes"}},
  };
  return *keys;
}

bool ModuleTakes(Module m, absl::string_view key) {
  for (const auto& mk : KeysByModule()) {
    if (mk.module != m) continue;
    for (absl::string_view k : mk.keys) {
      if (k == key) return true;
    }
  }
  return false;
}

// "200", "2xx" -> a range.
bool ParseStatus(absl::string_view s, StatusRange* out) {
  s = absl::StripAsciiWhitespace(s);
  int code = 0;
  if (s.size() == 3 && (s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X') &&
      s[0] >= '1' && s[0] <= '5') {
    out->low = (s[0] - '0') * 100;
    out->high = out->low + 99;
    return true;
  }
  if (!absl::SimpleAtoi(s, &code) || code < 100 || code > 599) return false;
  out->low = out->high = code;
  return true;
}

}  // namespace

absl::StatusOr<ProbeConfig> ParseProbeConfig(const std::string& text, const std::string& name) {
  HM_ASSIGN_OR_RETURN(common::YamlConfig y, common::YamlConfig::Parse(text, name));
  const YAML::Node& root = y.root();
  HM_RETURN_IF_ERROR(y.CheckKeys(root, "", {"interval", "targets"}));
  ProbeConfig out;
  HM_RETURN_IF_ERROR(y.GetDuration(root, "interval", "", &out.interval));
  if (out.interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(root["interval"]), ": field \"interval\": must be at least 1s"));
  }
  YAML::Node list = root["targets"];
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(list), ": field \"targets\": expected a list of targets"));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node t = list[i];
    const std::string path = absl::StrCat("targets[", i, "]");
    if (!t.IsMap()) {
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(t), ": field \"", path, "\": expected a mapping"));
    }
    TargetConfig c;
    c.interval = out.interval;
    // Every message names the target once its name is known: a file of 200 targets is read by
    // name, not by index.
    auto named = [&](absl::Status s) {
      if (s.ok() || c.name.empty()) return s;
      return absl::InvalidArgumentError(absl::StrCat(s.message(), " (target \"", c.name, "\")"));
    };
    auto error = [&](absl::string_view field, absl::string_view what) {
      YAML::Node at = t[std::string(field)];
      return named(absl::InvalidArgumentError(
          absl::StrCat(y.Where(at ? at : t), ": field \"", path, ".", field, "\": ", what)));
    };
    HM_RETURN_IF_ERROR(y.GetString(t, "name", path, &c.name));
    HM_RETURN_IF_ERROR(named(y.CheckKeys(t, path,
                                         {"name",
                                          "module",
                                          "class",
                                          "interval",
                                          "timeout",
                                          "ip_protocol",
                                          "address",
                                          "tls",
                                          "tls_server_name",
                                          "url",
                                          "method",
                                          "valid_status_codes",
                                          "body_regex",
                                          "follow_redirects",
                                          "ca_file",
                                          "insecure",
                                          "host",
                                          "count",
                                          "server",
                                          "query_name",
                                          "query_type",
                                          "valid_rcodes"})));
    if (c.name.empty()) return error("name", "required (becomes the target label)");
    if (!common::IsValidUtf8(c.name)) return error("name", "not valid UTF-8");
    if (!names.insert(c.name).second) {
      return error("name", absl::StrCat("duplicate target name \"", c.name, "\""));
    }
    std::string module, ip = "any";
    HM_RETURN_IF_ERROR(named(y.GetString(t, "module", path, &module)));
    if (module == "tcp") {
      c.module = Module::kTcp;
    } else if (module == "http") {
      c.module = Module::kHttp;
    } else if (module == "icmp") {
      c.module = Module::kIcmp;
    } else if (module == "dns") {
      c.module = Module::kDns;
    } else if (module.empty()) {
      return error("module", "required: tcp, http, icmp or dns");
    } else {
      return error("module", absl::StrCat("expected tcp, http, icmp or dns, got \"", module, "\""));
    }
    for (const auto& kv : t) {
      const std::string key = kv.first.Scalar();
      bool module_key = false;
      for (const auto& mk : KeysByModule()) {
        for (absl::string_view k : mk.keys) module_key |= (k == key);
      }
      if (module_key && !ModuleTakes(c.module, key)) {
        return error(key, absl::StrCat("not a key of module ", module));
      }
    }
    int64_t count = c.count;
    std::vector<std::string> codes, rcodes;
    HM_RETURN_IF_ERROR(named(y.GetString(t, "class", path, &c.klass)));
    HM_RETURN_IF_ERROR(named(y.GetDuration(t, "interval", path, &c.interval)));
    HM_RETURN_IF_ERROR(named(y.GetDuration(t, "timeout", path, &c.timeout)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "ip_protocol", path, &ip)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "address", path, &c.address)));
    HM_RETURN_IF_ERROR(named(y.GetBool(t, "tls", path, &c.tls)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "tls_server_name", path, &c.tls_server_name)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "url", path, &c.url)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "method", path, &c.method)));
    HM_RETURN_IF_ERROR(named(y.GetStringList(t, "valid_status_codes", path, &codes)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "body_regex", path, &c.body_regex)));
    HM_RETURN_IF_ERROR(named(y.GetBool(t, "follow_redirects", path, &c.follow_redirects)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "ca_file", path, &c.ca_file)));
    HM_RETURN_IF_ERROR(named(y.GetBool(t, "insecure", path, &c.insecure)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "host", path, &c.host)));
    HM_RETURN_IF_ERROR(named(y.GetInt(t, "count", path, &count)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "server", path, &c.server)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "query_name", path, &c.query_name)));
    HM_RETURN_IF_ERROR(named(y.GetString(t, "query_type", path, &c.query_type)));
    HM_RETURN_IF_ERROR(named(y.GetStringList(t, "valid_rcodes", path, &rcodes)));

    if (!common::IsValidUtf8(c.klass) || c.klass.empty()) {
      return error("class", "must be a non-empty UTF-8 string");
    }
    if (c.interval < absl::Seconds(1)) return error("interval", "must be at least 1s");
    // Unset, the timeout is 5s or the interval when that is shorter; set, it must fit.
    if (!t["timeout"]) c.timeout = std::min(c.timeout, c.interval);
    if (c.timeout <= absl::ZeroDuration()) return error("timeout", "must be positive");
    if (c.timeout > c.interval) return error("timeout", "must not exceed the target's interval");
    if (ip == "any") {
      c.ip = net::IpPreference::kAny;
    } else if (ip == "ip4") {
      c.ip = net::IpPreference::kIpv4Only;
    } else if (ip == "ip6") {
      c.ip = net::IpPreference::kIpv6Only;
    } else {
      return error("ip_protocol", absl::StrCat("expected any, ip4 or ip6, got \"", ip, "\""));
    }
    switch (c.module) {
      case Module::kTcp: {
        if (c.address.empty()) return error("address", "required for module tcp (host:port)");
        std::string host, port;
        if (absl::Status s = net::SplitHostPort(c.address, &host, &port); !s.ok()) {
          return error("address", s.message());
        }
        if (c.tls_server_name.empty() && c.tls) c.tls_server_name = host;
        if (!c.tls && (!c.tls_server_name.empty() || !c.ca_file.empty() || c.insecure)) {
          return error(t["tls_server_name"] ? "tls_server_name"
                       : t["ca_file"]       ? "ca_file"
                                            : "insecure",
                       "needs tls: true");
        }
        break;
      }
      case Module::kHttp: {
        if (c.url.empty()) return error("url", "required for module http");
        if (!absl::StartsWith(c.url, "http://") && !absl::StartsWith(c.url, "https://")) {
          return error("url", "must start with http:// or https://");
        }
        if (c.method != "GET" && c.method != "HEAD" && c.method != "POST") {
          return error("method",
                       absl::StrCat("expected GET, HEAD or POST, got \"", c.method, "\""));
        }
        for (const auto& code : codes) {
          StatusRange r;
          if (!ParseStatus(code, &r)) {
            return error(
                "valid_status_codes",
                absl::StrCat("expected a status code (200) or class (2xx), got \"", code, "\""));
          }
          c.valid_status_codes.push_back(r);
        }
        if (!c.body_regex.empty()) {
          auto re = std::make_shared<re2::RE2>(c.body_regex, re2::RE2::Quiet);
          if (!re->ok()) {
            return error("body_regex", absl::StrCat("invalid RE2 pattern: ", re->error()));
          }
          c.body_re = std::move(re);
        }
        break;
      }
      case Module::kIcmp:
        if (c.host.empty()) return error("host", "required for module icmp (name or address)");
        if (count < 1 || count > 100) return error("count", "must be 1..100");
        c.count = static_cast<int>(count);
        break;
      case Module::kDns: {
        if (c.server.empty()) return error("server", "required for module dns (host[:port])");
        std::string host, port;
        if (!net::SplitHostPort(c.server, &host, &port).ok() &&
            !net::SplitHostPort(c.server + ":53", &host, &port).ok()) {
          return error("server", "expected host, host:port or [v6]:port");
        }
        if (c.query_name.empty()) return error("query_name", "required for module dns");
        if (!BuildDnsQuery(0, c.query_name, 1).ok()) {
          return error("query_name", absl::StrCat("not a valid DNS name: \"", c.query_name, "\""));
        }
        const int type = DnsTypeCode(c.query_type);
        if (type < 0) {
          return error("query_type", absl::StrCat("expected A, AAAA, CNAME, MX, NS, PTR, SOA, "
                                                  "SRV or TXT, got \"",
                                                  c.query_type, "\""));
        }
        c.query_type_code = static_cast<uint16_t>(type);
        if (!rcodes.empty()) c.valid_rcodes.clear();
        for (const auto& r : rcodes) {
          const int code = DnsRcodeCode(r);
          if (code < 0) {
            return error("valid_rcodes", absl::StrCat("expected NOERROR, FORMERR, SERVFAIL, "
                                                      "NXDOMAIN, NOTIMP or REFUSED, got \"",
                                                      r, "\""));
          }
          c.valid_rcodes.push_back(code);
        }
        break;
      }
    }
    if (!c.ca_file.empty()) c.ca_file = common::ResolveRelativeTo(name, c.ca_file);
    out.targets.push_back(std::move(c));
  }
  return out;
}

}  // namespace hostmon::agent::probe
