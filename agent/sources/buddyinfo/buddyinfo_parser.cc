// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/buddyinfo/buddyinfo_parser.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseBuddyinfo(
    absl::string_view text, absl::string_view file,
    absl::FunctionRef<void(absl::string_view, absl::string_view, size_t, uint64_t)> fn) {
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  size_t orders = 0;  // of the first zone; 0 until one was read
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() < 5 || fields[0] != "Node" || fields[2] != "zone") {
      return common::LineError(file, line_no, line,
                               "expected \"Node <n>, zone <name> <count>...\"");
    }
    const size_t n = fields.size() - 4;
    if (orders != 0 && n != orders) {
      return common::LineError(file, line_no, line,
                               absl::StrCat(n, " orders, but the first zone has ", orders));
    }
    orders = n;
    const absl::string_view node = absl::StripSuffix(fields[1], ",");
    const absl::string_view zone = absl::StripSuffix(fields[3], ",");
    for (size_t i = 0; i < n; ++i) {
      uint64_t v = 0;
      absl::Status s = common::ParseUint64(fields[4 + i], "free blocks", &v);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
      fn(node, zone, i, v);
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
