// SPDX-License-Identifier: Apache-2.0
//
// GET /api/v1/alerts in Prometheus's shape (prometheus/prometheus web/api/v1 "alerts" endpoint):
//   {"status":"success","data":{"alerts":[{"labels":{..},"annotations":{..},"state":"firing",
//    "activeAt":"<RFC3339>","value":"9.5e+01"}]}}
// so tools written for Prometheus (Grafana's alert list, scripts) read the collector's alerts.
#pragma once

#include <string>
#include <vector>

#include "collector/alerting/alert.h"

namespace hostmon::collector::alerting {

std::string EncodeAlertsApi(const std::vector<Alert>& alerts);

// Go's strconv.FormatFloat(v, 'e', -1, 64), which Prometheus uses for "value": the shortest
// exponent form that round-trips ("9.5e+01", "1e-03"), and "NaN", "+Inf", "-Inf".
std::string FormatGoFloatE(double v);

}  // namespace hostmon::collector::alerting
