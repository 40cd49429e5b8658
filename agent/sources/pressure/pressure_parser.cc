// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/pressure/pressure_parser.h"

#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParsePsi(absl::string_view text, absl::string_view file, PsiTotals* out) {
  *out = PsiTotals();
  common::Fields fields;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    bool* present;
    uint64_t* total;
    if (fields[0] == "some") {
      present = &out->has_some;
      total = &out->some_us;
    } else if (fields[0] == "full") {
      present = &out->has_full;
      total = &out->full_us;
    } else {
      continue;
    }
    // No error Status is built unless there is an error: a non-OK Status allocates.
    size_t at = 1;
    while (at < fields.size() && !absl::StartsWith(fields[at], "total=")) ++at;
    absl::Status status = at < fields.size()
                              ? common::ParseUint64(fields[at].substr(6), "total", total)
                              : absl::InvalidArgumentError("no \"total=\" field");
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          file, " line ", line_no, " (\"", absl::CEscape(line), "\"): ", status.message()));
    }
    *present = true;
  }
  if (!out->has_some && !out->has_full) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": no \"some\" or \"full\" line in ", line_no, " lines"));
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
