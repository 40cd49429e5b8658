// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/rapl/rapl_parser.h"

#include <climits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
absl::Status SplitRaplName(absl::string_view name, absl::string_view file, absl::string_view* base,
                           int* index) {
  const size_t dash = name.find('-');
  if (dash == absl::string_view::npos || name.find('-', dash + 1) != absl::string_view::npos) {
    *base = name;
    *index = -1;
    return absl::OkStatus();
  }
  int64_t n = 0;
  absl::Status status = common::ParseInt64(name.substr(dash + 1), file, &n);
  if (!status.ok()) return status;
  if (n < INT_MIN || n > INT_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": zone index out of range: \"", name, "\""));
  }
  *base = name.substr(0, dash);
  *index = static_cast<int>(n);
  return absl::OkStatus();
}

absl::Status ParseRaplEnergy(absl::string_view text, absl::string_view file, uint64_t* out) {
  return common::ParseUint64(absl::StripAsciiWhitespace(text), file, out);
}

}  // namespace hostmon::agent
