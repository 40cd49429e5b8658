// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/alerting_config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hostmon::collector::alerting {
namespace {

absl::Status PositiveDuration(const common::YamlConfig& y, const YAML::Node& map, const char* key,
                              const char* path, absl::Duration* out) {
  if (absl::Status s = y.GetDuration(map, key, path, out); !s.ok()) return s;
  if (map[key] && *out <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(map[key]), ": field \"", path, ".", key, "\": must be positive"));
  }
  return absl::OkStatus();
}

absl::Status PositiveInt(const common::YamlConfig& y, const YAML::Node& map, const char* key,
                         const char* path, int64_t* out) {
  if (absl::Status s = y.GetInt(map, key, path, out); !s.ok()) return s;
  if (map[key] && *out < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(map[key]), ": field \"", path, ".", key, "\": must be positive"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadAlertingConfig(const common::YamlConfig& y, const YAML::Node& root,
                                AlertingOptions* a) {
  YAML::Node al, am, basic;
  absl::Status s;
  if (s = y.GetMap(root, "alerting", "", &al); !s.ok()) return s;
  if (!al) return absl::OkStatus();
  if (s = y.CheckKeys(al, "alerting",
                      {"rule_files", "evaluation_tick", "resend_interval", "external_url",
                       "state_file", "state_save_interval", "alertmanagers"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetStringList(al, "rule_files", "alerting", &a->rule_files); !s.ok()) return s;
  if (s = PositiveDuration(y, al, "evaluation_tick", "alerting", &a->evaluation_tick); !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, al, "resend_interval", "alerting", &a->resend_interval); !s.ok()) {
    return s;
  }
  if (s = y.GetString(al, "external_url", "alerting", &a->external_url); !s.ok()) return s;
  if (s = y.GetString(al, "state_file", "alerting", &a->state_file); !s.ok()) return s;
  if (s = PositiveDuration(y, al, "state_save_interval", "alerting", &a->state_save_interval);
      !s.ok()) {
    return s;
  }
  if (s = y.GetMap(al, "alertmanagers", "alerting", &am); !s.ok()) return s;
  if (!am) return absl::OkStatus();
  constexpr const char* kAm = "alerting.alertmanagers";
  if (s = y.CheckKeys(am, kAm,
                      {"urls", "timeout", "queue_capacity", "max_batch_size", "retry_min_backoff",
                       "retry_max_backoff", "retry_give_up_after", "tls_ca_file",
                       "bearer_token_file", "basic_auth"});
      !s.ok()) {
    return s;
  }
  if (s = y.GetStringList(am, "urls", kAm, &a->alertmanager_urls); !s.ok()) return s;
  if (am["urls"]) {
    for (size_t i = 0; i < a->alertmanager_urls.size(); ++i) {
      const std::string& url = a->alertmanager_urls[i];
      if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
        return absl::InvalidArgumentError(absl::StrCat(y.Where(am["urls"][i]), ": field \"", kAm,
                                                       ".urls[", i, "]\": \"", url,
                                                       "\" must start with http:// or https://"));
      }
    }
  }
  if (s = PositiveDuration(y, am, "timeout", kAm, &a->alertmanager_timeout); !s.ok()) return s;
  if (s = PositiveInt(y, am, "queue_capacity", kAm, &a->alertmanager_queue_capacity); !s.ok()) {
    return s;
  }
  if (s = PositiveInt(y, am, "max_batch_size", kAm, &a->alertmanager_max_batch_size); !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, am, "retry_min_backoff", kAm, &a->alertmanager_min_backoff);
      !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, am, "retry_max_backoff", kAm, &a->alertmanager_max_backoff);
      !s.ok()) {
    return s;
  }
  if (s = PositiveDuration(y, am, "retry_give_up_after", kAm, &a->alertmanager_give_up_after);
      !s.ok()) {
    return s;
  }
  if (s = y.GetString(am, "tls_ca_file", kAm, &a->http.ca_file); !s.ok()) return s;
  if (s = y.GetString(am, "bearer_token_file", kAm, &a->http.bearer_token_file); !s.ok()) return s;
  if (s = y.GetMap(am, "basic_auth", kAm, &basic); !s.ok()) return s;
  if (!basic) return absl::OkStatus();
  constexpr const char* kBasic = "alerting.alertmanagers.basic_auth";
  if (s = y.CheckKeys(basic, kBasic, {"username", "password_file"}); !s.ok()) return s;
  if (s = y.GetString(basic, "username", kBasic, &a->http.basic_auth_username); !s.ok()) return s;
  return y.GetString(basic, "password_file", kBasic, &a->http.basic_auth_password_file);
}

}  // namespace hostmon::collector::alerting
