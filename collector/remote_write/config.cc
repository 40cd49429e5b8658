// SPDX-License-Identifier: Apache-2.0
#include "collector/remote_write/config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/exposition_text.h"
#include "common/host_identity.h"

namespace hostmon::collector::remote_write {

std::string RemoteWriteConfig::DisplayName() const {
  std::string u = url;
  size_t cut = u.find_first_of("?#");
  if (cut != std::string::npos) u.resize(cut);
  size_t scheme = u.find("://");
  size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t slash = u.find('/', host_start);
  size_t at = u.rfind('@', slash == std::string::npos ? u.size() : slash);
  if (at != std::string::npos && at >= host_start) u.erase(host_start, at + 1 - host_start);
  return u;
}

absl::Status ValidateRemoteWriteConfig(const RemoteWriteConfig& c) {
  auto err = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("remote_write ", c.DisplayName(), ": ", what));
  };
  if (!absl::StartsWith(c.url, "http://") && !absl::StartsWith(c.url, "https://")) {
    return err("url must start with http:// or https://");
  }
  if (c.url.find_first_of(" \t\r\n") != std::string::npos) return err("url contains whitespace");
  if (c.remote_timeout <= absl::ZeroDuration()) return err("remote_timeout must be positive");
  if (c.capacity == 0) return err("capacity must be positive");
  if (c.max_samples_per_send == 0) return err("max_samples_per_send must be positive");
  if (c.batch_send_deadline <= absl::ZeroDuration()) {
    return err("batch_send_deadline must be positive");
  }
  if (c.min_backoff <= absl::ZeroDuration() || c.max_backoff < c.min_backoff) {
    return err("need 0 < min_backoff <= max_backoff");
  }
  if (!c.bearer_token_file.empty() && !c.basic_auth_username.empty()) {
    return err("basic_auth and bearer_token_file are mutually exclusive");
  }
  for (const auto& [name, value] : c.headers) {
    if (name.empty() || name.find_first_of(": \t\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return err(absl::StrCat("invalid header \"", name, "\""));
    }
    static const char* const kReserved[] = {
        "content-encoding", "content-type",  "x-prometheus-remote-write-version",
        "user-agent",       "authorization", "content-length"};
    for (const char* r : kReserved) {
      if (absl::EqualsIgnoreCase(name, r)) {
        return err(absl::StrCat("header \"", name, "\" is set by the collector"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status LoadRemoteWriteConfigs(const common::YamlConfig& y, const YAML::Node& list,
                                    std::vector<RemoteWriteConfig>* out) {
  if (!list || list.IsNull()) return absl::OkStatus();
  if (!list.IsSequence()) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(list), ": field \"remote_write\": expected a list of receivers"));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node& n = list[i];
    const std::string path = absl::StrCat("remote_write[", i, "]");
    if (!n.IsMap()) {
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(n), ": field \"", path, "\": expected a map"));
    }
    RemoteWriteConfig c;
    absl::Status s = y.CheckKeys(n, path,
                                 {"url", "remote_timeout", "queue_config", "wait_for_delivery",
                                  "basic_auth", "bearer_token_file", "tls_config", "headers"});
    if (!s.ok()) return s;
    if (!n["url"]) {
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(n), ": field \"", path, ".url\": required"));
    }
    if (s = y.GetString(n, "url", path, &c.url); !s.ok()) return s;
    if (s = y.GetDuration(n, "remote_timeout", path, &c.remote_timeout); !s.ok()) return s;
    if (s = y.GetBool(n, "wait_for_delivery", path, &c.wait_for_delivery); !s.ok()) return s;
    if (s = y.GetString(n, "bearer_token_file", path, &c.bearer_token_file); !s.ok()) return s;
    if (s = y.GetStringMap(n, "headers", path, &c.headers); !s.ok()) return s;
    YAML::Node q, auth, tls;
    const std::string qpath = path + ".queue_config";
    if (s = y.GetMap(n, "queue_config", path, &q); !s.ok()) return s;
    if (s = y.CheckKeys(q, qpath,
                        {"capacity", "max_samples_per_send", "batch_send_deadline", "min_backoff",
                         "max_backoff"});
        !s.ok()) {
      return s;
    }
    int64_t capacity = static_cast<int64_t>(c.capacity);
    int64_t per_send = static_cast<int64_t>(c.max_samples_per_send);
    if (s = y.GetInt(q, "capacity", qpath, &capacity); !s.ok()) return s;
    if (s = y.GetInt(q, "max_samples_per_send", qpath, &per_send); !s.ok()) return s;
    if (capacity < 1 || per_send < 1) {
      const char* key = capacity < 1 ? "capacity" : "max_samples_per_send";
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(q[key]), ": field \"", qpath, ".", key, "\": must be positive"));
    }
    c.capacity = static_cast<size_t>(capacity);
    c.max_samples_per_send = static_cast<size_t>(per_send);
    if (s = y.GetDuration(q, "batch_send_deadline", qpath, &c.batch_send_deadline); !s.ok()) {
      return s;
    }
    if (s = y.GetDuration(q, "min_backoff", qpath, &c.min_backoff); !s.ok()) return s;
    if (s = y.GetDuration(q, "max_backoff", qpath, &c.max_backoff); !s.ok()) return s;
    const std::string apath = path + ".basic_auth";
    if (s = y.GetMap(n, "basic_auth", path, &auth); !s.ok()) return s;
    if (s = y.CheckKeys(auth, apath, {"username", "password_file"}); !s.ok()) return s;
    if (s = y.GetString(auth, "username", apath, &c.basic_auth_username); !s.ok()) return s;
    if (s = y.GetString(auth, "password_file", apath, &c.basic_auth_password_file); !s.ok()) {
      return s;
    }
    const std::string tpath = path + ".tls_config";
    if (s = y.GetMap(n, "tls_config", path, &tls); !s.ok()) return s;
    if (s = y.CheckKeys(tls, tpath, {"ca_file", "insecure_skip_verify"}); !s.ok()) return s;
    if (s = y.GetString(tls, "ca_file", tpath, &c.tls_ca_file); !s.ok()) return s;
    if (s = y.GetBool(tls, "insecure_skip_verify", tpath, &c.tls_insecure_skip_verify); !s.ok()) {
      return s;
    }
    if (s = ValidateRemoteWriteConfig(c); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(y.Where(n), ": ", s.message()));
    }
    out->push_back(std::move(c));
  }
  return absl::OkStatus();
}

absl::Status ValidateExternalLabels(const LabelPairs& labels) {
  for (const auto& [name, value] : labels) {
    // IsValidLabelName refuses the "__" prefix, which Prometheus reserves for labels a scrape
    // sets; an external label may use it (__replica__ is the HA convention), so the syntax is
    // checked on the rest of the name.
    const absl::string_view syntax =
        absl::StartsWith(name, "__") ? absl::string_view(name).substr(2) : name;
    if (!common::IsValidLabelName(syntax) || name == "__name__") {
      return absl::InvalidArgumentError(
          absl::StrCat("external_labels: \"", name, "\" is not a valid label name"));
    }
    if (value.empty() || value.size() > common::kMaxStaticLabelValueBytes ||
        !common::IsValidUtf8(value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "external_labels: the value of \"", name, "\" must be 1 to ",
          common::kMaxStaticLabelValueBytes, " bytes of UTF-8 (an empty label is no label)"));
    }
  }
  return absl::OkStatus();
}

absl::Status LoadExternalLabels(const common::YamlConfig& y, const YAML::Node& root,
                                LabelPairs* out) {
  std::map<std::string, std::string> m;
  if (absl::Status s = y.GetStringMap(root, "external_labels", "", &m); !s.ok()) return s;
  if (m.empty()) return absl::OkStatus();
  LabelPairs labels(m.begin(), m.end());  // std::map: sorted by name
  if (absl::Status s = ValidateExternalLabels(labels); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(root["external_labels"]), ": ", s.message()));
  }
  *out = std::move(labels);
  return absl::OkStatus();
}

}  // namespace hostmon::collector::remote_write
