// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/meminfo_numa/meminfo_numa_parser.h"

#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseNodeMeminfo(
    absl::string_view text, absl::string_view file,
    absl::FunctionRef<void(absl::string_view, absl::string_view, double)> fn) {
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    const bool kb = fields.size() == 5 && fields[4] == "kB";
    if (fields[0] != "Node" || !(fields.size() == 4 || kb) || fields[2].size() < 2 ||
        fields[2].back() != ':') {
      return common::LineError(file, line_no, line, "expected \"Node <n> <field>: <value> [kB]\"");
    }
    double v = 0;
    absl::Status s = common::ParseDouble(fields[3], fields[2], &v);
    if (!s.ok()) return common::LineError(file, line_no, line, s.message());
    fn(fields[1], absl::StripSuffix(fields[2], ":"), kb ? v * 1024 : v);
  }
  return absl::OkStatus();
}

absl::Status ParseNodeNumastat(absl::string_view text, absl::string_view file,
                               absl::FunctionRef<void(absl::string_view, double)> fn) {
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() != 2) return common::LineError(file, line_no, line, "expected 2 fields");
    double v = 0;
    absl::Status s = common::ParseDouble(fields[1], fields[0], &v);
    if (!s.ok()) return common::LineError(file, line_no, line, s.message());
    fn(fields[0], v);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
