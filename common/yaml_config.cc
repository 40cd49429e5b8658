// SPDX-License-Identifier: Apache-2.0
#include "common/yaml_config.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/fs_root.h"

namespace hostmon::common {
namespace {

std::string Join(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

// Scalar text of a node, or nullopt-like false when it is not a scalar.
bool ScalarText(const YAML::Node& node, std::string* out) {
  if (!node.IsScalar()) return false;
  *out = node.Scalar();
  return true;
}

}  // namespace

absl::StatusOr<YamlConfig> YamlConfig::Load(const std::string& path) {
  std::string text;
  absl::Status s = ReadFileTo(path, &text);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("config file: ", s.message()));
  return Parse(text, path);
}

absl::StatusOr<YamlConfig> YamlConfig::Parse(const std::string& text, const std::string& name) {
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ":", root.Mark().line + 1, ": the top level must be a mapping"));
    }
    return YamlConfig(name, root);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ":", e.mark.line + 1, ":", e.mark.column + 1, ": YAML syntax error: ", e.msg));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": cannot parse: ", e.what()));
  }
}

std::string YamlConfig::Where(const YAML::Node& node) const {
  return absl::StrCat(file_, ":", node.Mark().line + 1);
}

absl::Status YamlConfig::Error(const YAML::Node& node, absl::string_view path,
                               absl::string_view key, absl::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat(Where(node), ": field \"", Join(path, key), "\": ", what));
}

absl::Status YamlConfig::CheckKeys(const YAML::Node& map, absl::string_view path,
                                   std::initializer_list<absl::string_view> allowed) const {
  if (!map.IsMap()) return absl::OkStatus();
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    std::string key;
    if (!ScalarText(kv.first, &key)) {
      return Error(kv.first, path, "?", "keys must be plain strings");
    }
    // yaml-cpp keeps both copies of a repeated key and lookups see the first: refuse instead of
    // silently ignoring the operator's second value.
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return Error(kv.first, path, key, "duplicate key");
    }
    seen.push_back(key);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (absl::string_view a : allowed) absl::StrAppend(&list, list.empty() ? "" : ", ", a);
      return Error(kv.first, path, key, absl::StrCat("unknown key (allowed: ", list, ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status YamlConfig::GetMap(const YAML::Node& map, absl::string_view key,
                                absl::string_view path, YAML::Node* out) const {
  YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) {
    *out = YAML::Node(YAML::NodeType::Map);
    return absl::OkStatus();
  }
  if (!n.IsMap()) return Error(n, path, key, "expected a mapping");
  *out = n;
  return absl::OkStatus();
}

absl::Status YamlConfig::GetString(const YAML::Node& map, absl::string_view key,
                                   absl::string_view path, std::string* out) const {
  YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) return absl::OkStatus();
  if (!ScalarText(n, out)) return Error(n, path, key, "expected a string");
  return absl::OkStatus();
}

absl::Status YamlConfig::GetBool(const YAML::Node& map, absl::string_view key,
                                 absl::string_view path, bool* out) const {
  YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) return absl::OkStatus();
  std::string v;
  if (!ScalarText(n, &v)) return Error(n, path, key, "expected true or false");
  if (v == "true" || v == "yes" || v == "on") {
    *out = true;
  } else if (v == "false" || v == "no" || v == "off") {
    *out = false;
  } else {
    return Error(n, path, key, absl::StrCat("expected true or false, got \"", v, "\""));
  }
  return absl::OkStatus();
}

absl::Status YamlConfig::GetDuration(const YAML::Node& map, absl::string_view key,
                                     absl::string_view path, absl::Duration* out) const {
  YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) return absl::OkStatus();
  std::string v;
  absl::Duration d;
  if (!ScalarText(n, &v) || !absl::ParseDuration(v, &d) || d < absl::ZeroDuration() ||
      d == absl::InfiniteDuration()) {
    return Error(n, path, key,
                 absl::StrCat("expected a duration like 15s or 500ms, got \"", v, "\""));
  }
  *out = d;
  return absl::OkStatus();
}

absl::Status YamlConfig::GetInt(const YAML::Node& map, absl::string_view key,
                                absl::string_view path, int64_t* out) const {
  YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) return absl::OkStatus();
  std::string v;
  if (!ScalarText(n, &v) || !absl::SimpleAtoi(v, out)) {
    return Error(n, path, key, absl::StrCat("expected an integer, got \"", v, "\""));
  }
  return absl::OkStatus();
}

absl::Status YamlConfig::GetStringList(const YAML::Node& map, absl::string_view key,
                                       absl::string_view path,
                                       std::vector<std::string>* out) const {
  YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) return absl::OkStatus();
  if (!n.IsSequence()) return Error(n, path, key, "expected a list of strings");
  std::vector<std::string> values;
  for (const auto& item : n) {
    std::string v;
    if (!ScalarText(item, &v)) return Error(item, path, key, "expected a list of strings");
    values.push_back(std::move(v));
  }
  *out = std::move(values);
  return absl::OkStatus();
}

absl::Status YamlConfig::GetStringMap(const YAML::Node& map, absl::string_view key,
                                      absl::string_view path,
                                      std::map<std::string, std::string>* out) const {
  YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) return absl::OkStatus();
  if (!n.IsMap()) return Error(n, path, key, "expected a mapping of strings to strings");
  for (const auto& kv : n) {
    std::string k, v;
    if (!ScalarText(kv.first, &k) || !ScalarText(kv.second, &v)) {
      return Error(kv.first, path, key, "expected a mapping of strings to strings");
    }
    (*out)[k] = v;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::common
