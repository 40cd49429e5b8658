// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/alerts_api.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "collector/alerting/alertmanager_client.h"
#include "nlohmann/json.hpp"

namespace hostmon::collector::alerting {

std::string FormatGoFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest precision that round-trips, as Go's -1 precision does.
  char buf[64];
  for (int p = 0; p <= 17; ++p) {
    std::snprintf(buf, sizeof(buf), "%.*e", p, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  // C prints at least two exponent digits, as Go does ("e+01"); nothing to adjust.
  return buf;
}

std::string EncodeAlertsApi(const std::vector<Alert>& alerts) {
  nlohmann::json list = nlohmann::json::array();
  for (const Alert& a : alerts) {
    nlohmann::json o = nlohmann::json::object();
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [k, v] : a.labels) labels[k] = v;
    nlohmann::json annotations = nlohmann::json::object();
    for (const auto& [k, v] : a.annotations) annotations[k] = v;
    o["labels"] = std::move(labels);
    o["annotations"] = std::move(annotations);
    o["state"] = a.state == AlertState::kFiring ? "firing" : "pending";
    o["activeAt"] = FormatRfc3339(a.active_at);
    o["value"] = FormatGoFloatE(a.value);
    list.push_back(std::move(o));
  }
  nlohmann::json doc = {{"status", "success"}, {"data", {{"alerts", std::move(list)}}}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hostmon::collector::alerting
