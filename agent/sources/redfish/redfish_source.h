// SPDX-License-Identifier: Apache-2.0
//
// The redfish source (slow tier, off by default): reads hardware health from one or more Redfish
// services (BMCs) listed in a targets file. Every sample carries target="<name>" and the
// target's configured labels, so the collector can re-export a BMC's data under its host.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/source.h"
#include "agent/sources/redfish/redfish_config.h"
#include "agent/sources/redfish/redfish_walk.h"

namespace hostmon::agent {

// One Redfish service: HTTP client, session (logged in on first use, again after a 401, deleted
// on destruction), one blocking collection bounded by the target's deadline.
class RedfishTarget {
 public:
  struct Result {
    bool up = false;
    std::vector<redfish::Sample> samples;
    std::vector<std::string> errors;      // failed requests / unparsable resources
    std::vector<std::string> collisions;  // members exported under a fallback id
    std::string down_reason;              // why up is false
    absl::Duration duration;
  };

  explicit RedfishTarget(redfish::TargetConfig config);
  ~RedfishTarget();
  Result Collect();
  const redfish::TargetConfig& config() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Options: config (targets file, required), metrics-prefix (default "redfish").
absl::StatusOr<SourcePtr> MakeRedfishSource(const SourceContext& ctx);
const std::vector<SourceOption>& RedfishOptions();

}  // namespace hostmon::agent
