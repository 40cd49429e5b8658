// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "collector/alerting/alerting_service.h"
#include "common/clock.h"

namespace hostmon::collector::alerting {

// The collector's rule engine behind the RuleEvaluator seam.
std::unique_ptr<RuleEvaluator> NewRuleEvaluator(const common::Clock* clock);

}  // namespace hostmon::collector::alerting
