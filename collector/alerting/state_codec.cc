// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/state_codec.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace hostmon::collector::alerting {
namespace {

using nlohmann::json;

constexpr int kStateVersion = 1;

json TimeToJson(absl::Time t) {
  if (t == absl::InfiniteFuture()) return nullptr;
  return absl::ToUnixMillis(t);
}

absl::Time TimeFromJson(const json& j) {
  if (j.is_null()) return absl::InfiniteFuture();
  return absl::FromUnixMillis(j.get<int64_t>());
}

json PairsToJson(const LabelPairs& pairs) {
  json o = json::object();
  for (const auto& [k, v] : pairs) o[k] = v;
  return o;
}

LabelPairs PairsFromJson(const json& o) {
  LabelPairs out;
  for (auto it = o.begin(); it != o.end(); ++it)
    out.emplace_back(it.key(), it.value().get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string EncodeState(const SavedState& state) {
  json hosts = json::array();
  for (const SavedHost& h : state.hosts) {
    hosts.push_back(
        {{"name", h.name},
         {"labels", PairsToJson(h.labels)},
         {"lost_at_ms", h.lost_at ? json(absl::ToUnixMillis(*h.lost_at)) : json(nullptr)},
         {"interval_ms", absl::ToInt64Milliseconds(h.interval)}});
  }
  json alerts = json::array();
  for (const SavedAlert& a : state.alerts) {
    const Notification& n = a.notification;
    alerts.push_back({{"labels", PairsToJson(n.labels)},
                      {"annotations", PairsToJson(n.annotations)},
                      {"starts_at_ms", TimeToJson(n.starts_at)},
                      {"ends_at_ms", TimeToJson(n.ends_at)},
                      {"state", a.firing ? "firing" : "resolved"}});
  }
  json root = {{"version", kStateVersion}, {"hosts", hosts}, {"alerts", alerts}};
  return root.dump(1);
}

absl::StatusOr<SavedState> DecodeState(absl::string_view text) {
  SavedState state;
  // nlohmann::json throws on syntax and type errors; nothing escapes this module.
  try {
    const json root = json::parse(text.begin(), text.end());
    if (!root.is_object() || root.value("version", 0) != kStateVersion) {
      return absl::InvalidArgumentError(
          absl::StrCat("alert state: expected an object with \"version\": ", kStateVersion));
    }
    for (const json& h : root.at("hosts")) {
      SavedHost r;
      r.name = h.at("name").get<std::string>();
      r.labels = PairsFromJson(h.at("labels"));
      if (!h.at("lost_at_ms").is_null()) r.lost_at = TimeFromJson(h.at("lost_at_ms"));
      r.interval = absl::Milliseconds(h.at("interval_ms").get<int64_t>());
      state.hosts.push_back(std::move(r));
    }
    for (const json& a : root.at("alerts")) {
      SavedAlert s;
      s.notification.labels = PairsFromJson(a.at("labels"));
      s.notification.annotations = PairsFromJson(a.at("annotations"));
      s.notification.starts_at = TimeFromJson(a.at("starts_at_ms"));
      s.notification.ends_at = TimeFromJson(a.at("ends_at_ms"));
      const std::string st = a.at("state").get<std::string>();
      if (st != "firing" && st != "resolved") {
        return absl::InvalidArgumentError(absl::StrCat("alert state: unknown state \"", st, "\""));
      }
      s.firing = st == "firing";
      state.alerts.push_back(std::move(s));
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("alert state: ", e.what()));
  }
  return state;
}

absl::Status WriteStateFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f.good()) {
      return absl::UnavailableError(
          absl::StrCat("alert state: cannot write ", tmp, ": ", std::strerror(errno)));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("alert state: cannot rename ", tmp, " to ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace hostmon::collector::alerting
