// SPDX-License-Identifier: Apache-2.0
//
// The weblog source's logs file (--source.weblog.config=FILE, docs/weblog.md): which access logs
// to follow, in which format. Loaded strictly with common::YamlConfig: an unknown key, a wrong
// type, a bad pattern or a duplicate name is an error naming file:line and field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/sources/weblog/weblog_parser.h"

namespace hostmon::agent::weblog {

inline constexpr int64_t kDefaultMaxLineBytes = 64 * 1024;
inline constexpr int64_t kDefaultMaxReadBytes = 8 * 1024 * 1024;

struct LogConfig {
  std::string name;  // the log="<name>" label
  std::string path;  // as configured (relative paths resolved against the config file)
  Format format = Format::kCombined;
  std::string pattern;              // custom format only
  double duration_scale = 1;        // custom format: duration_unit s / ms / us -> seconds
  bool start_at_beginning = false;  // for a file present at the first start (no saved state)
  int64_t max_line_bytes = kDefaultMaxLineBytes;
  int64_t max_read_bytes = kDefaultMaxReadBytes;  // per collection
};

struct WeblogConfig {
  std::vector<LogConfig> logs;
};

absl::StatusOr<WeblogConfig> LoadWeblogConfig(const std::string& path);
// `text` as if it were the file `name`.
absl::StatusOr<WeblogConfig> ParseWeblogConfig(const std::string& text, const std::string& name);

}  // namespace hostmon::agent::weblog
