// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_config.h"

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/exposition.h"
#include "common/fs_root.h"
#include "common/secret_file.h"
#include "common/status_macros.h"
#include "common/yaml_config.h"

namespace hostmon::agent::weblog {

absl::StatusOr<WeblogConfig> LoadWeblogConfig(const std::string& path) {
  std::string text;
  absl::Status status = common::ReadFileTo(path, &text);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read the weblog config ",
                                                   absl::CEscape(path), ": ", status.message()));
  }
  return ParseWeblogConfig(text, path);
}

absl::StatusOr<WeblogConfig> ParseWeblogConfig(const std::string& text, const std::string& name) {
  HM_ASSIGN_OR_RETURN(common::YamlConfig y, common::YamlConfig::Parse(text, name));
  const YAML::Node& root = y.root();
  HM_RETURN_IF_ERROR(y.CheckKeys(root, "", {"logs"}));
  WeblogConfig out;
  YAML::Node list = root["logs"];
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) {
    return absl::InvalidArgumentError(
        absl::StrCat(y.Where(list), ": field \"logs\": expected a list of logs"));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node t = list[i];
    const std::string path = absl::StrCat("logs[", i, "]");
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
                                   {"name", "path", "format", "pattern", "duration_unit",
                                    "start_at", "max_line_bytes", "max_read_bytes"}));
    LogConfig c;
    std::string format, unit, start_at = "end";
    HM_RETURN_IF_ERROR(y.GetString(t, "name", path, &c.name));
    HM_RETURN_IF_ERROR(y.GetString(t, "path", path, &c.path));
    HM_RETURN_IF_ERROR(y.GetString(t, "format", path, &format));
    HM_RETURN_IF_ERROR(y.GetString(t, "pattern", path, &c.pattern));
    HM_RETURN_IF_ERROR(y.GetString(t, "duration_unit", path, &unit));
    HM_RETURN_IF_ERROR(y.GetString(t, "start_at", path, &start_at));
    HM_RETURN_IF_ERROR(y.GetInt(t, "max_line_bytes", path, &c.max_line_bytes));
    HM_RETURN_IF_ERROR(y.GetInt(t, "max_read_bytes", path, &c.max_read_bytes));

    if (c.name.empty()) return error("name", "required (becomes the log label)");
    if (!common::IsValidUtf8(c.name)) return error("name", "not valid UTF-8");
    if (!names.insert(c.name).second) return error("name", "duplicate log name " + c.name);
    if (c.path.empty()) return error("path", "required");
    c.path = common::ResolveRelativeTo(name, c.path);
    if (format.empty()) format = c.pattern.empty() ? "combined" : "custom";
    if (format == "combined") {
      c.format = Format::kCombined;
    } else if (format == "nginx_timed") {
      c.format = Format::kNginxTimed;
    } else if (format == "apache_timed") {
      c.format = Format::kApacheTimed;
    } else if (format == "custom") {
      c.format = Format::kCustom;
    } else {
      return error("format", "expected combined, nginx_timed, apache_timed or custom, got \"" +
                                 absl::CEscape(format) + "\"");
    }
    if (c.format == Format::kCustom) {
      if (c.pattern.empty()) return error("pattern", "required with format custom");
      if (unit.empty() || unit == "s") {
        c.duration_scale = 1;
      } else if (unit == "ms") {
        c.duration_scale = 1e-3;
      } else if (unit == "us") {
        c.duration_scale = 1e-6;
      } else {
        return error("duration_unit", "expected s, ms or us, got \"" + absl::CEscape(unit) + "\"");
      }
      absl::StatusOr<LineParser> parser = LineParser::Make(c.format, c.pattern, c.duration_scale);
      if (!parser.ok()) return error("pattern", parser.status().message());
    } else {
      if (!c.pattern.empty()) return error("pattern", "only with format custom");
      if (!unit.empty()) return error("duration_unit", "only with format custom");
    }
    if (start_at == "end") {
      c.start_at_beginning = false;
    } else if (start_at == "beginning") {
      c.start_at_beginning = true;
    } else {
      return error("start_at", "expected end or beginning");
    }
    if (c.max_line_bytes < 256 || c.max_line_bytes > (64 << 20)) {
      return error("max_line_bytes", "must be 256..67108864");
    }
    if (c.max_read_bytes < c.max_line_bytes || c.max_read_bytes > (int64_t{1} << 32)) {
      return error("max_read_bytes", "must be at least max_line_bytes and at most 4294967296");
    }
    out.logs.push_back(std::move(c));
  }
  return out;
}

}  // namespace hostmon::agent::weblog
