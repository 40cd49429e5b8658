// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_config.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/exposition.h"
#include "common/secret_file.h"
#include "common/status_macros.h"
#include "common/yaml_config.h"

namespace hostmon::agent::redfish {

absl::StatusOr<RedfishConfig> LoadRedfishConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) return absl::InvalidArgumentError("cannot read the redfish config " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseRedfishConfig(text.str(), path, path);
}

absl::StatusOr<RedfishConfig> ParseRedfishConfig(const std::string& text, const std::string& name,
                                                 const std::string& base_file) {
  HM_ASSIGN_OR_RETURN(common::YamlConfig y, common::YamlConfig::Parse(text, name));
  const YAML::Node& root = y.root();
  HM_RETURN_IF_ERROR(y.CheckKeys(root, "", {"targets"}));
  RedfishConfig out;
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
    auto error = [&](absl::string_view field, absl::string_view what) {
      YAML::Node at = t[std::string(field)];
      return absl::InvalidArgumentError(
          absl::StrCat(y.Where(at ? at : t), ": field \"", path, ".", field, "\": ", what));
    };
    HM_RETURN_IF_ERROR(y.CheckKeys(t, path,
                                   {"name", "url", "username", "password_file", "auth", "ca_file",
                                    "insecure", "timeout", "deadline", "max_parallel", "labels"}));
    TargetConfig c;
    std::string password_file, auth = "session";
    int64_t max_parallel = c.max_parallel;
    std::map<std::string, std::string> labels;
    HM_RETURN_IF_ERROR(y.GetString(t, "name", path, &c.name));
    HM_RETURN_IF_ERROR(y.GetString(t, "url", path, &c.url));
    HM_RETURN_IF_ERROR(y.GetString(t, "username", path, &c.username));
    HM_RETURN_IF_ERROR(y.GetString(t, "password_file", path, &password_file));
    HM_RETURN_IF_ERROR(y.GetString(t, "auth", path, &auth));
    HM_RETURN_IF_ERROR(y.GetString(t, "ca_file", path, &c.ca_file));
    HM_RETURN_IF_ERROR(y.GetBool(t, "insecure", path, &c.insecure));
    HM_RETURN_IF_ERROR(y.GetDuration(t, "timeout", path, &c.timeout));
    HM_RETURN_IF_ERROR(y.GetDuration(t, "deadline", path, &c.deadline));
    HM_RETURN_IF_ERROR(y.GetInt(t, "max_parallel", path, &max_parallel));
    HM_RETURN_IF_ERROR(y.GetStringMap(t, "labels", path, &labels));

    if (c.name.empty()) return error("name", "required (becomes the target label)");
    if (!common::IsValidUtf8(c.name)) return error("name", "not valid UTF-8");
    if (!names.insert(c.name).second) return error("name", "duplicate target name " + c.name);
    if (!absl::StartsWith(c.url, "https://") && !absl::StartsWith(c.url, "http://")) {
      return error("url", "must start with https:// (or http://)");
    }
    while (absl::EndsWith(c.url, "/")) c.url.pop_back();
    if (auth == "session") {
      c.auth = Auth::kSession;
    } else if (auth == "basic") {
      c.auth = Auth::kBasic;
    } else if (auth == "none") {
      c.auth = Auth::kNone;
    } else {
      return error("auth", "expected session, basic or none, got \"" + auth + "\"");
    }
    if (c.auth != Auth::kNone) {
      if (c.username.empty()) return error("username", "required with auth " + auth);
      if (password_file.empty()) return error("password_file", "required with auth " + auth);
      const std::string file = common::ResolveRelativeTo(base_file, password_file);
      absl::StatusOr<std::string> password = common::ReadSecretFile(file);
      if (!password.ok()) {
        return error("password_file", "cannot read the password file " + file + " (" +
                                          std::string(password.status().message()) + ")");
      }
      c.password = *std::move(password);
    }
    c.ca_file = common::ResolveRelativeTo(base_file, c.ca_file);
    if (c.timeout <= absl::ZeroDuration()) return error("timeout", "must be positive");
    if (c.deadline < c.timeout) return error("deadline", "must be at least the timeout");
    if (max_parallel < 1 || max_parallel > 64) return error("max_parallel", "must be 1..64");
    c.max_parallel = static_cast<int>(max_parallel);
    for (const auto& [k, v] : labels) {
      if (!common::IsValidLabelName(k) || k == "target" || k == "instance" || k == "job") {
        return error("labels", "invalid or reserved label name \"" + k + "\"");
      }
      c.labels.emplace_back(k, v);
    }
    out.targets.push_back(std::move(c));
  }
  return out;
}

}  // namespace hostmon::agent::redfish
