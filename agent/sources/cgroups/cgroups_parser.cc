// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cgroups/cgroups_parser.h"

#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseCgroups(absl::string_view text, absl::string_view file,
                          absl::FunctionRef<void(absl::string_view, uint64_t, uint64_t)> fn) {
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty() || fields[0][0] == '#') continue;
    if (fields.size() != 4) {
      return common::LineError(file, line_no, line,
                               "expected subsys_name, hierarchy, num_cgroups, enabled");
    }
    uint64_t hierarchy = 0, cgroups = 0, enabled = 0;
    absl::Status s = common::ParseUint64(fields[1], "hierarchy", &hierarchy);
    if (s.ok()) s = common::ParseUint64(fields[2], "num_cgroups", &cgroups);
    if (s.ok()) s = common::ParseUint64(fields[3], "enabled", &enabled);
    if (!s.ok()) return common::LineError(file, line_no, line, s.message());
    fn(fields[0], cgroups, enabled);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
