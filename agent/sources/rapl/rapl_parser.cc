// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/rapl/rapl_parser.h"

#include <climits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

}  // namespace

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

void SanitizeRaplName(absl::string_view name, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < name.size()) {
    if (IsNameChar(name[i])) {
      // A run of '_' directly before an invalid character belongs to the replaced run.
      size_t j = i;
      while (j < name.size() && name[j] == '_') ++j;
      if (j > i && j < name.size() && !IsNameChar(name[j])) {
        i = j;
        continue;
      }
      out->append(name.data() + i, j > i ? j - i : 1);
      i = j > i ? j : i + 1;
      continue;
    }
    while (i < name.size() && !IsNameChar(name[i])) ++i;
    while (i < name.size() && name[i] == '_') ++i;
    out->push_back('_');
  }
}

absl::Status ParseRaplEnergy(absl::string_view text, absl::string_view file, uint64_t* out) {
  return common::ParseUint64(absl::StripAsciiWhitespace(text), file, out);
}

}  // namespace hostmon::agent
