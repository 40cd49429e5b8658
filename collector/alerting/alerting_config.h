// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/status/status.h"
#include "collector/alerting/alerting_service.h"
#include "common/yaml_config.h"

namespace hostmon::collector::alerting {

// Reads the `alerting:` section of a collector config file (rule files, evaluation, state file,
// Alertmanager push) over the values in *options; an absent section keeps them. Errors name
// file:line and the dotted field. Cross-field checks: ValidateAlertingOptions.
absl::Status LoadAlertingConfig(const common::YamlConfig& y, const YAML::Node& root,
                                AlertingOptions* options);

}  // namespace hostmon::collector::alerting
