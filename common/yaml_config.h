// SPDX-License-Identifier: Apache-2.0
//
// Strict, exception-free reading of YAML config files. yaml-cpp reports errors by throwing; this
// wrapper turns every problem into an absl::Status whose message names the file, line and field,
// and rejects unknown keys (a typo must not silently fall back to a default).
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "yaml-cpp/yaml.h"

namespace hostmon::common {

class YamlConfig {
 public:
  // Parses the file. An empty file yields an empty map.
  static absl::StatusOr<YamlConfig> Load(const std::string& path);
  // For tests: parses text as if it were the file `name`.
  static absl::StatusOr<YamlConfig> Parse(const std::string& text, const std::string& name);

  const YAML::Node& root() const { return root_; }

  // Each accessor leaves *out untouched when the key is absent and returns an error naming
  // file:line, the dotted field path and what was expected when the value has the wrong shape.
  absl::Status CheckKeys(const YAML::Node& map, absl::string_view path,
                         std::initializer_list<absl::string_view> allowed) const;
  absl::Status GetMap(const YAML::Node& map, absl::string_view key, absl::string_view path,
                      YAML::Node* out) const;
  absl::Status GetString(const YAML::Node& map, absl::string_view key, absl::string_view path,
                         std::string* out) const;
  absl::Status GetBool(const YAML::Node& map, absl::string_view key, absl::string_view path,
                       bool* out) const;
  absl::Status GetDuration(const YAML::Node& map, absl::string_view key, absl::string_view path,
                           absl::Duration* out) const;
  absl::Status GetInt(const YAML::Node& map, absl::string_view key, absl::string_view path,
                      int64_t* out) const;
  absl::Status GetStringList(const YAML::Node& map, absl::string_view key, absl::string_view path,
                             std::vector<std::string>* out) const;
  absl::Status GetStringMap(const YAML::Node& map, absl::string_view key, absl::string_view path,
                            std::map<std::string, std::string>* out) const;

  // "file:line" of a node (1-based line), for messages.
  std::string Where(const YAML::Node& node) const;

 private:
  YamlConfig(std::string file, YAML::Node root) : file_(std::move(file)), root_(std::move(root)) {}
  absl::Status Error(const YAML::Node& node, absl::string_view path, absl::string_view key,
                     absl::string_view what) const;

  std::string file_;
  YAML::Node root_;
};

}  // namespace hostmon::common
