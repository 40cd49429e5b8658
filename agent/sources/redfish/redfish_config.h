// SPDX-License-Identifier: Apache-2.0
//
// The redfish source's targets file (--source.redfish.config=FILE): the Redfish services to read,
// how to authenticate and how long to wait. Loaded strictly with common::YamlConfig: an unknown
// key, a wrong type, a missing password file is an error naming file:line and field.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hostmon::agent::redfish {

enum class Auth { kSession, kBasic, kNone };

struct TargetConfig {
  std::string name;  // the target="<name>" label
  std::string url;   // scheme://host[:port]; the service root is <url>/redfish/v1/
  std::string username;
  std::string password;  // read from password_file (common::ReadSecretFile), never a flag
  Auth auth = Auth::kSession;
  std::string ca_file;    // PEM bundle that verifies the service's certificate
  bool insecure = false;  // skip certificate verification (logged as a warning)
  absl::Duration timeout = absl::Seconds(10);               // per request
  absl::Duration deadline = absl::Seconds(50);              // per collection of this target
  int max_parallel = 4;                                     // concurrent requests to this target
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
};

struct RedfishConfig {
  std::vector<TargetConfig> targets;
};

absl::StatusOr<RedfishConfig> LoadRedfishConfig(const std::string& path);
// `text` as if it were the file `name`; relative password/CA files are resolved against the
// directory of `base_file` (common::ResolveRelativeTo).
absl::StatusOr<RedfishConfig> ParseRedfishConfig(const std::string& text, const std::string& name,
                                                 const std::string& base_file);

}  // namespace hostmon::agent::redfish
