// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/xfrm/xfrm_parser.h"

#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseXfrmStat(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(absl::string_view, uint64_t)> fn) {
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() != 2) {
      return common::LineError(file, line_no, line, "expected a name and a value");
    }
    uint64_t value = 0;
    absl::Status s = common::ParseUint64(fields[1], fields[0], &value);
    if (!s.ok()) return common::LineError(file, line_no, line, s.message());
    fn(fields[0], value);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
